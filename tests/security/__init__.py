"""Insider attacks, each reproduced against real parts (a hub process on 127.0.0.1, a real store,
the real CLI): a stolen window token, a shell on the window PC, a copied backup. Each test failed
before its fix (issue 16); the README's threat model says who is trusted for what."""
