"""Services: the layer where one function answers one user question.

Each service takes a typed, frozen request and returns a typed result. It reads what it needs
from the warehouse and the data folder (sources/, warehouse/), runs the pure packages
(tariffs/, reports/, …) and hands the result to the presentation layers — the CLI
(``commands/``) and the web app (``web/``) — which only format it. Services never print,
never parse command lines and never render HTML.
"""
