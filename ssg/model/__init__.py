"""What a site is: its settings (site.yaml), the kinds of content declared once, the documents read from
content/, and the Site they make. Imports nothing from the other layers."""
