"""Model directory pages generated from the models' own declarations."""
