"""gunicorn reads this file itself (./gunicorn.conf.py) wherever it starts in this
checkout: `make run`, the tests and `make bench` alike."""

# Its control socket is one per user by default (~/.gunicorn/gunicorn.ctl), so two
# instances on one host (a second `make run` on another PORT, the tests) would share
# it; nothing here uses it.
control_socket_disable = True
