"""EHR integration: FHIR R4 in and out, CDS Hooks 2.0 logic (pure; no HTTP here)."""
