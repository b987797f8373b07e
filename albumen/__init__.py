"""Albumen: a self-hosted photo and video library that speaks Immich's HTTP API."""
