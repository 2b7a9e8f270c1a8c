"""The clinic's exercise drawings: a simple figure in its start and end positions, drawn
from the poses in `poses.py` as small SVG files (static/programs/illustrations/).

`python manage.py draw_illustrations` writes them; a test checks the files match.
"""
