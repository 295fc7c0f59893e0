"""Procurement transparency: load purchasing exports, score forced-labour risk, report figures."""

__version__ = "0.1.0"
