"""Real-browser (Chromium + axe) and HTML-validation (vnu) tests."""
