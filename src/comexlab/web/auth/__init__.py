"""Users, roles, passwords, sessions, CSRF and the login rate limit of the web app."""
