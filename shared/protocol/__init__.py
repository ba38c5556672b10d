"""The protocol, published for every service: its steps and the rules that say when a step is
done (model.py, with the boards' protocols as TOML in protocols/), the roles that deserve
aftercare, the routes to get material taken down, and what the conversation with the victim
binds. Pure functions over an incident's recorded actions, named by their event class names;
nothing here imports a service, so the case and the reports read the same rules."""
