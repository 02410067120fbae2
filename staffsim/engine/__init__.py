"""Engine layer: a scenario compiled to arrays and simulated, one replication at a time, into a ledger."""
