"""Tests of callqa.api."""
