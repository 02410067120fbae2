"""The workshop app: a local web page where a room changes a lever and sees the school change.

`staffsim app` serves it (cli/app.py). Layers: `catalogue` (the designs on offer,
levers, uploads, the saved YAML), `live` (replications streamed as they finish,
on common random numbers, and the headline summary with paired differences in
plain words), `server` (the Starlette routes and the static page). Starlette and
uvicorn come with the `app` extra; nothing here is imported by the model.
"""
