"""The local stack of `make run`: moto as the embedded AWS, a local API Gateway, a dev mailbox."""
