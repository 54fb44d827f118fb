#!/usr/bin/env python3
"""A stand-in for Stripe's API during fuzzing: answers the creation of a Checkout session with a
session object shaped like Stripe's, so that the real adapter runs end to end. Port in argv[1]."""
import json
import sys
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class Stripe(BaseHTTPRequestHandler):
    def do_POST(self):  # noqa: N802 (the standard library's name)
        self.rfile.read(int(self.headers.get("content-length") or 0))
        if self.path != "/v1/checkout/sessions":
            self.send_response(404)
            self.end_headers()
            return
        sid = "cs_test_" + uuid.uuid4().hex
        body = {
            "id": sid, "object": "checkout.session", "adaptive_pricing": {"enabled": False},
            "after_expiration": None, "allow_promotion_codes": None, "amount_subtotal": 1500,
            "amount_total": 1500,
            "automatic_tax": {"enabled": False, "liability": None, "provider": None, "status": None},
            "billing_address_collection": None, "cancel_url": "https://example.org/cancel",
            "client_reference_id": None, "client_secret": None,
            "collected_information": {"shipping_details": None}, "consent": None,
            "consent_collection": None, "created": 1767225600, "currency": "eur",
            "currency_conversion": None, "custom_fields": [],
            "custom_text": {"after_submit": None, "shipping_address": None, "submit": None,
                            "terms_of_service_acceptance": None},
            "customer": None, "customer_creation": "if_required", "customer_details": None,
            "customer_email": None, "discounts": [], "expires_at": 1767312000, "invoice": None,
            "invoice_creation": None, "livemode": False, "locale": None, "metadata": {},
            "mode": "payment", "payment_intent": None, "payment_link": None,
            "payment_method_collection": "if_required",
            "payment_method_configuration_details": None, "payment_method_options": {},
            "payment_method_types": ["card"], "payment_status": "unpaid",
            "phone_number_collection": {"enabled": False}, "recovered_from": None,
            "saved_payment_method_options": None, "setup_intent": None,
            "shipping_address_collection": None, "shipping_cost": None, "shipping_options": [],
            "status": "open", "submit_type": None, "subscription": None,
            "success_url": "https://example.org/ok",
            "total_details": {"amount_discount": 0, "amount_shipping": 0, "amount_tax": 0},
            "ui_mode": "hosted", "url": "https://checkout.stripe.com/c/pay/" + sid,
        }
        data = json.dumps(body).encode()
        self.send_response(200)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), Stripe).serve_forever()
