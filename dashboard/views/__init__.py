"""The dashboard's pages: each reads its own settings, then draws from cached loaders."""
