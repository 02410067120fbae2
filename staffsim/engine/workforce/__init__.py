"""The workforce: who holds each position, their exhaustion, departures and hires."""
