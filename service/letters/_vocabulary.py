"""Every answer a letter may use, named as the conversation names it.

A letter lists the names it needs; the definition (type, label, help, limits) lives here once,
so the flow and every letter read an answer the same way.
"""

from __future__ import annotations

from decimal import Decimal

from ._spec import TEXT_MAX, TEXTAREA_MAX, Spec, cell
from ._states import STATES

__all__ = ["POLICY_RULES", "SITUATIONS", "VOCABULARY", "spec"]

#: The guardrails a household may agree on, as the flow offers them; the policy lists only these.
POLICY_RULES = (
    ("no_leverage", "No leverage or margin"),
    ("no_shorting", "No shorting"),
    ("trade_cap", "A dollar cap per trade"),
    ("two_signatures", "Two signatures for loan draws and big transfers"),
    ("cooling_off", "A cooling-off period after a big loss"),
    ("emergency_fund", "An emergency fund kept apart"),
)
_ZERO = Decimal("0")
_CENT = Decimal("0.01")
_LAST4 = "^[0-9]{4}$"
_WHEN = "YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ"
#: The flow's first question, with the same values (a letter reads the answer as it is given).
#: Where the money came from, as the flow's funding question offers it.
FUNDING = (
    ("savings", "Savings"),
    ("heloc", "A home equity line (HELOC) or other loan"),
    ("credit_card", "A credit card"),
    ("debit_card", "A debit card"),
    ("ach", "A bank transfer (ACH)"),
    ("wire", "A wire transfer"),
)
SITUATIONS = (
    ("misclick", "A trade went the wrong way by mistake"),
    ("liquidation", "A leveraged or margin trade was liquidated"),
    ("bad_trade", "An ordinary trade lost money"),
    ("takeover", "Someone got into my account"),
    ("scam", "The platform or a contact turned out to be a scam"),
    ("partner", "A partner or family member traded without my agreement"),
)


def _text(name: str, label: str, help_: str, *, max_length: int = TEXT_MAX) -> Spec:
    """Return a one-line text answer."""
    return Spec(name, "text", label, help_, max_length=max_length)


def _area(name: str, label: str, help_: str) -> Spec:
    """Return a free-text answer of several lines."""
    return Spec(name, "textarea", label, help_, max_length=TEXTAREA_MAX)


def _money(name: str, label: str, help_: str, minimum: Decimal | None = _ZERO) -> Spec:
    """Return an amount in dollars."""
    return Spec(name, "money", label, help_, minimum=minimum)


def _date(name: str, label: str, help_: str) -> Spec:
    """Return a calendar date."""
    return Spec(name, "date", label, help_)


def _lines(name: str, label: str, help_: str) -> Spec:
    """Return a list of short texts, one per line."""
    return Spec(name, "lines", label, help_ + " One per line.", max_length=TEXTAREA_MAX)


def _last4(name: str, label: str) -> Spec:
    """Return the last four digits of an account or loan number."""
    return Spec(name, "text", label, "Only the last 4 digits; never the full number.",
                max_length=4, pattern=_LAST4)


_SENDER = [
    _text("full_name", "Your full name", "As it appears on the account."),
    Spec("email", "email", "Your e-mail address", "Where replies should go.", max_length=320),
    _text("phone", "Your phone number", "A number where you can be reached.", max_length=40),
    _area("mailing_address", "Your mailing address", "Street, city, state and ZIP code."),
    _area("previous_address", "Your previous address", "Where you lived before, if you moved "
          "in the last two years."),
    Spec("state", "choice", "Your state", "The state you live in.", choices=STATES),
    Spec("situation", "choice", "What happened", "The closest kind of loss. For a partner or "
         "family member, the exchange account is taken to be theirs or shared, not yours alone.",
         choices=SITUATIONS),
    Spec("funding", "multichoice", "Where the money came from", "Every route the money took; "
         "only the deadlines of these routes are listed.", choices=FUNDING),
]

_EXCHANGE = [
    _text("exchange_name", "Exchange or platform", "For example Coinbase, Kraken or Gemini."),
    _text("exchange_account_id", "Exchange account ID", "The account or user ID the exchange "
          "shows (Kraken calls it the Public Account ID).", max_length=200),
    _text("support_case_number", "Support case number", "The number of the ticket you opened.",
          max_length=200),
    _area("incident_summary", "What happened", "In your own words, in the order it happened."),
    _date("learned_of_loss", "When you learned of the loss", "The day you found out."),
    _money("loss_amount", "Amount lost (USD)", "Your best figure in dollars."),
    _money("net_loss", "Net loss worked out (USD)", "From the loss summary: what went to the "
           "exchange, less what came back and what is left there. Filled in from your figures."),
    Spec("trades", "items", "Orders involved", "One order per line: time (UTC); order ID; pair; "
         "side; quantity; price. Example: 2025-07-03T14:05:00Z; OID-1; BTC-USD; sell short; "
         "2.5; 61000.00",
         columns=(cell("time", "Time", "datetime"), cell("order_id", "Order ID", "text"),
                  cell("pair", "Pair", "text"), cell("side", "Side", "text"),
                  cell("quantity", "Quantity", "quantity"), cell("price", "Price", "quantity"))),
    Spec("crypto_transfers", "items", "Crypto transfers", "One transfer per line: time (UTC); "
         "asset; quantity; value in USD; blockchain; transaction hash; from address; to "
         "address. Leave a part empty when unknown, e.g. 2025-07-03T15:00:00Z; USDT; 25000; "
         "25000.00; Ethereum; 0xabc…; ; 0xdef…",
         columns=(cell("time", "Time", "datetime"), cell("asset", "Asset", "text"),
                  cell("quantity", "Quantity", "quantity"),
                  cell("usd_value", "Value in USD", "money", required=False),
                  cell("blockchain", "Blockchain", "text", required=False),
                  cell("tx_hash", "Transaction hash", "text"),
                  cell("from_address", "From address", "text", required=False),
                  cell("to_address", "To address", "text", required=False))),
    _date("records_from", "Records from", "The first day of the records you ask for."),
    _date("records_to", "Records to", "The last day of the records you ask for."),
    _text("order_id", "Order ID", "The ID of the order that went wrong.", max_length=200),
    Spec("order_time", "datetime", "Order time (UTC)", f"When the order was placed: {_WHEN}."),
    _text("trade_pair", "Trading pair", "For example BTC-USD."),
    _area("intended_order", "The order you meant to place", "Side, type, quantity and price."),
    _area("executed_order", "The order that was executed", "Side, type, quantity and price as "
          "the exchange shows them."),
    _text("interface_used", "Device and screen used", "For example: iPhone app, trade screen."),
    _area("resolution_wanted", "What you ask for, and why", "The remedy you want."),
    _lines("attachments", "Attachments", "Each document you will attach."),
    _lines("unauthorized_logins", "Logins you did not make", "Time, IP address and device."),
    _lines("account_changes", "Account changes you did not make", "For example a SIM swap, a "
           "new e-mail, 2FA reset or a new API key, with the time."),
]

_BANK = [
    _text("bank_name", "Bank", "The bank or credit union that holds the account."),
    _area("bank_address", "Bank's address for error notices", "Printed on your statement."),
    _last4("account_last4", "Account number, last 4 digits"),
    Spec("bank_account_type", "choice", "Kind of bank account", "Regulation E covers bank and "
         "prepaid accounts, not an exchange wallet.",
         choices=(("checking", "Checking account"), ("savings", "Savings account"),
                  ("prepaid", "Prepaid card account"))),
    Spec("bank_transfers", "items", "Transfers in question", "One transfer per line: date; "
         "amount; type; description. Example: 2025-07-03; 12000.00; online transfer; to "
         "Coinbase",
         columns=(cell("date", "Date", "date"), cell("amount", "Amount", "money"),
                  cell("type", "Type", "text"),
                  cell("description", "Description", "text", required=False))),
    _date("bank_statement_date", "Bank statement date", "The first statement that shows the "
          "transfers."),
    _area("error_reason", "Why it is an error", "For example: I did not make or allow these."),
    _text("shared_access_person", "Person who had access", "Name of anyone you had given "
          "access to the account (for example a spouse) who made the transfers."),
    Spec("credit_account_type", "choice", "Card or credit line", "Which account the charge is "
         "on.", choices=(("credit_card", "Credit card"), ("heloc", "Home equity line"))),
    _text("card_issuer", "Card issuer", "The bank that issued the card."),
    _text("heloc_lender", "Home equity lender", "The lender of the home equity line."),
    _area("billing_error_address", "Billing-error address", "The address for billing errors "
          "printed on the statement; not the payment address."),
    _date("card_statement_date", "Card statement date", "The first statement showing the "
          "charge."),
    _date("heloc_statement_date", "Credit line statement date", "The first statement showing "
          "the draw."),
    Spec("disputed_charges", "items", "Charges in question", "One per line: date; amount; "
         "description. Example: 2025-07-02; 50000.00; draw to Kraken",
         columns=(cell("date", "Date", "date"), cell("amount", "Amount", "money"),
                  cell("description", "Description", "text"))),
    _last4("loan_number_last4", "Loan number, last 4 digits"),
]

_WIRE_ACH = [
    Spec("wire_sent_at", "datetime", "When the wire was sent", f"{_WHEN}, in UTC."),
    _money("wire_amount", "Wire amount (USD)", "As on the wire confirmation.", minimum=_CENT),
    _text("wire_reference", "Wire reference", "The IMAD/OMAD or the UETR.", max_length=200),
    _text("beneficiary_name", "Beneficiary name", "Who the wire was sent to."),
    _text("beneficiary_bank", "Beneficiary bank", "The bank that received it."),
    _text("beneficiary_account", "Beneficiary account", "The receiving account number.",
          max_length=200),
    Spec("wire_international", "boolean", "International wire", "Was it sent abroad?"),
    Spec("wire_unauthorized", "boolean", "Sent without your permission", "Yes if someone "
         "else sent it from your account without your permission."),
    _date("wire_notice_date", "When the bank told you", "The statement or notice date."),
    _text("ach_trace_number", "ACH trace number", "On the statement or online banking.",
          max_length=100),
    _text("ach_company_name", "Company that debited you", "As on the statement."),
    _text("ach_company_id", "ACH company ID", "On the statement or online banking.",
          max_length=100),
    _date("ach_settlement_date", "ACH settlement date", "The day the debit settled."),
    _money("ach_amount", "ACH debit amount (USD)", "As on the statement.", minimum=_CENT),
]

_HELOC = [
    _area("heloc_lender_address", "Lender's address", "Where the lender takes letters."),
    _area("property_address", "Property address", "The home that secures the line."),
    _lines("co_borrowers", "Other borrowers", "The name of every other borrower on the line."),
    Spec("heloc_draws", "items", "Recent draws", "One per line: date; amount; channel; "
         "description. Example: 2025-06-20; 250000.00; online transfer; to checking",
         columns=(cell("date", "Date", "date"), cell("amount", "Amount", "money"),
                  cell("channel", "Channel", "text"),
                  cell("description", "Description", "text", required=False))),
    _lines("outstanding_checks", "Unused or outstanding check numbers", "Check numbers."),
]

_BUREAU = [
    Spec("bureau", "choice", "Credit bureau", "One letter per bureau.",
         choices=(("equifax", "Equifax"), ("experian", "Experian"),
                  ("transunion", "TransUnion"), ("chexsystems", "ChexSystems"))),
    Spec("bureau_request", "choice", "What to ask for", "A freeze stops new credit in your "
         "name; a fraud alert asks lenders to check it is you.",
         choices=(("freeze", "Security freeze"), ("initial_alert", "Initial fraud alert"),
                  ("extended_alert", "Extended fraud alert (needs an identity theft report)"),
                  ("freeze_and_alert", "Security freeze and initial fraud alert"))),
    _lines("identity_documents", "Proof of identity enclosed", "Each copy you will enclose, "
           "such as a driver's license and a utility bill."),
]

_REPORTS = [
    _area("contact_began", "How contact began", "Where and how the other party first reached "
          "you."),
    _lines("other_party", "The other party", "Names, usernames, phone numbers, e-mails, "
           "websites and apps."),
    _lines("exchanges_used", "Exchanges and wallets used", "Each platform the money went "
           "through."),
    _lines("earlier_reports", "Earlier reports", "Agency or company and its report or ticket "
           "number."),
    Spec("timeline_events", "items", "Timeline", f"One event per line: when ({_WHEN}); what "
         "happened. Example: 2025-07-01; Opened the account",
         columns=(cell("when", "When", "when"), cell("event", "What happened", "text"))),
    _text("complaint_company", "Company complained about", "The bank or exchange."),
    Spec("complaint_product", "choice", "Product", "As the CFPB's form groups them.",
         choices=(("checking_savings", "Checking or savings account"),
                  ("credit_card", "Credit card"),
                  ("mortgage_heloc", "Mortgage or home equity line"),
                  ("money_transfer_crypto", "Money transfer or virtual currency"),
                  ("credit_reporting", "Credit reporting"))),
]

_LEGAL_TAX = [
    _date("marriage_date", "Date of marriage", "If married."),
    _date("separation_date", "Date of separation", "If separated."),
    _area("account_titles", "How accounts and debts are titled", "Each account or debt and "
          "whose name it is in."),
    _area("login_holders", "Who held the logins and devices", "For each account."),
    _area("consent_evidence", "Evidence of consent or its absence", "Messages, e-mails, "
          "signatures."),
    _area("money_sources", "Separate and joint money", "Which money was separate and which "
          "was joint."),
    _area("heloc_liability_clause", "Liability clause of the credit line", "What the agreement "
          "says about each borrower's liability."),
    _area("arbitration_clauses", "Arbitration clauses", "Any in the exchange, bank or lender "
          "terms."),
    _lines("notices_sent", "Notices already sent", "Each letter or report, with its date."),
    Spec("tax_year", "integer", "Tax year of the loss", "The year it was realized or "
         "discovered.", minimum=2000, maximum=2100),
    Spec("filing_status", "choice", "Filing status", "As on your tax return.",
         choices=(("single", "Single"), ("married_joint", "Married filing jointly"),
                  ("married_separate", "Married filing separately"),
                  ("head_of_household", "Head of household"),
                  ("qualifying_surviving_spouse", "Qualifying surviving spouse"))),
    Spec("loss_kind", "choice", "Kind of loss", "A trading loss and a theft are taxed "
         "differently.",
         choices=(("trading", "Trading loss (mis-click, short, liquidation)"),
                  ("scam", "Investment scam"), ("account_takeover", "Account takeover"))),
    Spec("tax_forms", "multichoice", "Tax forms received", "Forms the platforms sent.",
         choices=(("1099-DA", "1099-DA"), ("1099-B", "1099-B"), ("1099-MISC", "1099-MISC"),
                  ("1099-K", "1099-K"))),
    Spec("cost_basis_records", "choice", "Cost basis records", "What you paid for each coin.",
         choices=(("complete", "Complete"), ("partial", "Partial"), ("none", "None yet"))),
    Spec("profit_motive", "boolean", "Entered to make a profit", "Was the money put in to earn "
         "a profit?"),
    Spec("recovery_prospect", "choice", "Chance of getting money back", "As things stand.",
         choices=(("none", "No reasonable prospect"), ("some", "Some prospect"),
                  ("unknown", "Not known yet"))),
    _money("short_term", "Net short-term gain or loss", "Negative for a loss.", minimum=None),
    _money("long_term", "Net long-term gain or loss", "Negative for a loss.", minimum=None),
    _money("capital_loss_deduction", "Capital loss deduction", "From the capital-loss "
           "worksheet."),
    _money("carryover_next_short_term", "Short-term carryover to next year", "From the "
           "capital-loss worksheet."),
    _money("carryover_next_long_term", "Long-term carryover to next year", "From the "
           "capital-loss worksheet."),
    _date("tax_return_filed_date", "Date the return was filed", "For the year to amend."),
    _date("tax_paid_date", "Date the tax was paid", "For the year to amend."),
]

_POLICY = [
    _lines("household_signers", "People who sign the policy", "Each adult in the household."),
    Spec("policy_rules", "multichoice", "Rules agreed on", "The policy lists only these. A cap "
         "per trade needs its amount, and so do two signatures, a cooling-off period and an "
         "emergency fund.", choices=POLICY_RULES),
    _money("per_trade_cap", "Most for one trade (USD)", "No single trade above this.", _CENT),
    _money("per_position_cap", "Most in one position (USD)", "No holding above this.", _CENT),
    _money("two_signature_threshold", "Two signatures above (USD)", "Any transfer above this "
           "needs both signatures.", _CENT),
    Spec("cooling_off_hours", "integer", "Cooling-off period (hours)", "No new trades for this "
         "long after a big loss.", minimum=1, maximum=8760),
    _money("emergency_fund_target", "Emergency fund target (USD)", "Kept in a separate account "
           "with no trading access.", _CENT),
    _text("emergency_fund_account", "Where the emergency fund is kept", "For example: savings "
          "at a different bank."),
    _lines("covered_accounts", "Accounts the policy covers", "Bank, exchange and credit "
           "accounts."),
    _date("policy_review_date", "Review date", "When you will read the policy together again."),
]

VOCABULARY: dict[str, Spec] = {
    item.name: item
    for group in (_SENDER, _EXCHANGE, _BANK, _WIRE_ACH, _HELOC, _BUREAU, _REPORTS, _LEGAL_TAX,
                  _POLICY)
    for item in group
}


def spec(name: str) -> Spec:
    """Return the definition of the answer called ``name``."""
    return VOCABULARY[name]
