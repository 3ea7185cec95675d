"""Prefect flows: thin orchestration over figcheck/ and checkers/."""
