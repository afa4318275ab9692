"""The HTTP server: one FastAPI app with the Gradio app mounted at ``/`` and plain pages and JSON routes
beside it (the examinee's exam page, the contest's big screen and buzzers), all offline (no CDN)."""
