"""mwaaform's CrossGuard policy pack (see README.md in this folder)."""
