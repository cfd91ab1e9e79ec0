"""The callbacks behind the notebooks' sliders, one module per notebook topic. Each is a
plain function that draws one figure for the given slider values, so a notebook can call
it once with the defaults in an ordinary cell (what nbval and the static site see) and
hand it to ipywidgets.interact for the live version."""
