"""The deployment: infra/template.yaml (SAM), what reads it (`infra.template`) and `make package`."""
