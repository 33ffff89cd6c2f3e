"""Rendering: a view through its template to HTML, then to PDF (and PNG).

`templating` fills a kind's Jinja template; `engine` lays the HTML out with WeasyPrint; `metadata`
is what the PDF's info dictionary holds; `raster` and `barcodes` draw images. Importing this
package does nothing: WeasyPrint loads only with `engine`, and fontconfig is set up by an explicit
`engine.use_bundled_fonts()` from each entry point.
"""
