"""The only Streamlit code inside the package: cached readers, shared widgets,
the palette and the chart builders that the pages arrange."""
