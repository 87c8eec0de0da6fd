"""Reports: PDF rendering of the product's forms (see docs/pdf.md)."""
