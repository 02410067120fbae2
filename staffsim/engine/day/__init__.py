"""The school day as named steps over an explicit day state (see `steps.DAY_STEPS`)."""
