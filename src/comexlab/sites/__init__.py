"""Site profiles for investment attraction: plants within reach, supply depth, FDI, exports.

Pure computation (no files, databases or sockets; ``tests/unit/test_pure_imports.py``): the
service ``comexlab.services.sites`` gathers plants, firms and series and hands them here.
"""
