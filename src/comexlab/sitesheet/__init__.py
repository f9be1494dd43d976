"""The site profile as readers get it: tables, JSON, a printable page and its PDF.

One presentation module for the CLI and the web (neither imports the other): it takes the
:class:`comexlab.services.sites.SiteProfile` and shapes it in the reader's language.
"""
