"""Local stand-ins for the SaaS APIs (CONNECTORS.md section 10), served on 127.0.0.1 in tests."""
