"""LiveTrack's benchmark and load test: `python -m bench`, see bench/README.md."""
