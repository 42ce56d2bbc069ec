"""`orderflow`: the command line over Orderflow's HTTP API (/api/v1), for operators and scripts."""
