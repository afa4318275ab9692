"""Training records (学时): what counts and how much, each officer's year against the target, unit and city
reports, the yearly plan."""
