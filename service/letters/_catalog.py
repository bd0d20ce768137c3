"""Every letter type, in the order a person would usually send them.

The order is the one the finished plan's "Letters to send, in this order" list gives (the flow's
final state); the evidence pack numbers its letters by it. tests/test_letters_review.py checks
that the two agree.
"""

from __future__ import annotations

from . import _context as ctx
from ._types import LetterType

__all__ = ["CATALOG"]

_BY_MAIL = ("full_name", "mailing_address")
_BY_TICKET = ("full_name", "email")
_CONTACT = ("email", "phone")
_TICKET_CONTACT = ("phone", "mailing_address")
#: What tells an exchange letter the account is a partner's or family member's, and their name.
_WHOSE = ("situation", "shared_access_person")

CATALOG: tuple[LetterType, ...] = (
    LetterType(
        "wire-recall", "Wire recall request",
        "Asks your bank to recall a wire at once and, for a large international wire, to use "
        "the FBI's Financial Fraud Kill Chain.",
        (*_BY_MAIL, "bank_name", "account_last4", "wire_sent_at", "wire_amount",
         "wire_reference", "beneficiary_name", "beneficiary_bank", "wire_unauthorized"),
        (*_CONTACT, "bank_address", "beneficiary_account", "wire_international",
         "wire_notice_date"),
        1, "Today, by phone to the bank's wire or fraud team first; then send this in writing.",
        context=ctx.wire),
    LetterType(
        "heloc-suspension", "Request to suspend home equity line draws",
        "Asks the lender to stop every way of drawing on the line until all borrowers ask in "
        "writing to restart it.",
        (*_BY_MAIL, "heloc_lender", "loan_number_last4", "property_address"),
        (*_CONTACT, "heloc_lender_address", "co_borrowers", "heloc_draws", "outstanding_checks"),
        2, "Today: call the lender, then send this in writing.", context=ctx.heloc),
    LetterType(
        "security-review", "Account takeover: security review request",
        "Asks the exchange to freeze the account, flag the receiving addresses and work with "
        "the police.",
        (*_BY_TICKET, "exchange_name", "exchange_account_id", "learned_of_loss",
         "incident_summary"),
        (*_TICKET_CONTACT, "support_case_number", "unauthorized_logins", "account_changes",
         "crypto_transfers", "earlier_reports"),
        3, "Today, if someone else got into the account.", context=ctx.security),
    LetterType(
        "exchange-support-ticket", "Exchange support ticket",
        "Asks the exchange to lock the account, block withdrawals and keep its logs.",
        (*_BY_TICKET, "exchange_name", "exchange_account_id", "learned_of_loss",
         "incident_summary"),
        (*_TICKET_CONTACT, "trades", "crypto_transfers", *_WHOSE),
        4, "This week, and the sooner the better, through the exchange's own support form.",
        context=ctx.exchange),
    LetterType(
        "trade-ledger-request", "Trade and account records request",
        "Asks the exchange for the full records of the account and a hold on them.",
        (*_BY_TICKET, "exchange_name", "exchange_account_id", "records_from", "records_to"),
        (*_TICKET_CONTACT, "support_case_number", *_WHOSE),
        5, "This week, after the support ticket.", context=ctx.exchange,
        check=ctx.records_order),
    LetterType(
        "error-trade-claim", "Error-trade claim",
        "Asks the exchange to review an order that was not the one meant, under its "
        "error-trade or trade-review policy.",
        (*_BY_TICKET, "exchange_name", "exchange_account_id", "order_id", "order_time",
         "intended_order", "executed_order", "learned_of_loss"),
        (*_TICKET_CONTACT, "support_case_number", "trade_pair", "interface_used", "loss_amount"),
        6, "This week, if an order was placed by mistake."),
    LetterType(
        "credit-bureau-freeze", "Credit freeze or fraud alert request",
        "Asks one credit bureau for a security freeze or a fraud alert on your file.",
        (*_BY_MAIL, "bureau", "bureau_request"),
        (*_CONTACT, "previous_address", "identity_documents"),
        7, "This week, one letter to each bureau (or do it online or by phone).",
        context=ctx.bureau, check=ctx.bureau_check, variant="bureau",
        offers=ctx.bureau_offers),
    LetterType(
        "police-ic3-report", "Police and FBI IC3 report",
        "Sets out the facts, transactions and identifiers for a police report and the FBI's "
        "IC3 online form.",
        (*_BY_MAIL, "learned_of_loss", "loss_amount", "incident_summary"),
        (*_CONTACT, "contact_began", "other_party", "exchanges_used", "crypto_transfers",
         "bank_transfers", "earlier_reports", "timeline_events", "net_loss"),
        8, "This week, for theft, scams and account takeovers.",
        context=ctx.ic3, from_results=ctx.loss_results),
    LetterType(
        "reg-e-error-notice", "Notice of error to your bank (Regulation E)",
        "Reports transfers from a bank account as errors and asks for an investigation and "
        "provisional credit.",
        (*_BY_MAIL, "bank_name", "account_last4", "bank_account_type", "learned_of_loss",
         "bank_transfers", "error_reason"),
        (*_CONTACT, "bank_address", "bank_statement_date", "shared_access_person"),
        9, "Within 60 days of the statement: the bank must receive it within 60 days after "
           "it sent the statement.",
        context=ctx.reg_e, check=ctx.statement_check),
    LetterType(
        "ach-unauthorized-debit", "Unauthorized ACH debit statement",
        "Tells your bank an ACH debit was not authorized and asks it to return the debit.",
        (*_BY_MAIL, "bank_name", "account_last4", "ach_company_name", "ach_amount",
         "ach_settlement_date"),
        (*_CONTACT, "bank_address", "ach_trace_number", "ach_company_id"),
        10, "Within 60 days of the debit: the bank can return it within 60 days after the "
            "debit settled.",
        context=ctx.ach),
    LetterType(
        "billing-error-notice", "Billing-error notice (Regulation Z)",
        "Disputes a credit card charge or a home equity line draw in writing.",
        (*_BY_MAIL, "credit_account_type", "billing_error_address", "disputed_charges",
         "error_reason"),
        (*_CONTACT, "card_issuer", "account_last4", "card_statement_date", "heloc_lender",
         "loan_number_last4", "heloc_statement_date", "shared_access_person", "co_borrowers"),
        11, "Within 60 days of the statement: it must reach the billing-error address within "
            "60 days after the first statement that shows the charge.",
        context=ctx.billing, check=ctx.billing_check),
    LetterType(
        "attorney-intake", "Attorney intake summary",
        "Summarizes the facts a family-law or consumer attorney will ask for first.",
        ("full_name", "state", "learned_of_loss", "incident_summary"),
        (*_CONTACT, "mailing_address", "marriage_date", "separation_date", "account_titles",
         "login_holders", "consent_evidence", "money_sources", "heloc_lender", "co_borrowers",
         "heloc_liability_clause", "loss_amount", "net_loss", "arbitration_clauses",
         "notices_sent", "bank_statement_date", "card_statement_date", "heloc_statement_date",
         "ach_settlement_date", "wire_sent_at", "wire_notice_date", "funding", "situation",
         "wire_international", "wire_amount"),
        12, "Before the first meeting with an attorney.",
        context=ctx.attorney, from_results=ctx.loss_results,
        check=ctx.marriage_order),
    LetterType(
        "compliance-complaint", "Formal complaint to the exchange",
        "Escalates an open support case to the exchange's complaints or compliance team.",
        (*_BY_TICKET, "exchange_name", "exchange_account_id", "support_case_number",
         "incident_summary", "resolution_wanted"),
        (*_TICKET_CONTACT, "learned_of_loss", "attachments", "state"),
        13, "When the support ticket has not resolved the problem."),
    LetterType(
        "cfpb-complaint", "CFPB complaint draft",
        "Drafts the answers for a complaint on the Consumer Financial Protection Bureau's "
        "online form.",
        (*_BY_TICKET, "complaint_company", "complaint_product", "incident_summary",
         "resolution_wanted"),
        ("phone", "mailing_address", "support_case_number", "earlier_reports",
         "timeline_events", "attachments", "loss_amount", "net_loss"),
        14, "When the company's own process has not resolved the problem.",
        context=ctx.cfpb, from_results=ctx.loss_results),
    LetterType(
        "cpa-intake", "CPA intake summary",
        "Summarizes the tax facts of the loss for a CPA or enrolled agent.",
        ("full_name", "tax_year", "filing_status", "loss_kind"),
        (*_CONTACT, "mailing_address", "learned_of_loss", "loss_amount", "net_loss",
         "exchanges_used",
         "tax_forms",
         "cost_basis_records", "profit_motive", "recovery_prospect", "short_term", "long_term",
         "capital_loss_deduction", "carryover_next_short_term", "carryover_next_long_term",
         "tax_return_filed_date", "tax_paid_date"),
        15, "Before you file the tax return for the year of the loss.",
        context=ctx.cpa, from_results=ctx.cpa_results),
    LetterType(
        "family-investment-policy", "Family investment policy",
        "Writes down the household's rules for trading and borrowing, for everyone to sign.",
        ("household_signers", "policy_rules"),
        ("per_trade_cap", "per_position_cap", "two_signature_threshold", "cooling_off_hours",
         "emergency_fund_target", "emergency_fund_account", "covered_accounts",
         "policy_review_date"),
        16, "When things are calmer: read it together, then sign it.",
        check=ctx.policy_check),
)
