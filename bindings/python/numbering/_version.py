"""The binding's version: meson.build's project version (meson setup checks this copy;
tools/set-version.sh writes it)."""
__version__ = "0.1.0"
