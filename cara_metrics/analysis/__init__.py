"""One module per question the dashboard answers; each builds Panels and Tiles from the
registered metrics' SQL. Pages call these and only lay out what they return."""
