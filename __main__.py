"""Pulumi entry point: `pulumi up` on stack <name> deploys environments/<name>.yaml."""

from mwaaform.program import main

main()
