"""The CAS 3.0 server: /cas/login, /cas/p3/serviceValidate (and /cas/serviceValidate), /cas/logout."""
