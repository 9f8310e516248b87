"""The daily expiry sweep."""
