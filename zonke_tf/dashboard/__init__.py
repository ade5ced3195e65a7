"""The Zonké dashboard: a local web app over the day-2 operations (``zonke dashboard``)."""
