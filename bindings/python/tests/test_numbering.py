"""The Python binding, run by `meson test --suite python` (python3 -m unittest) with
NUMBERING_LIBRARY pointing at the build's libnumbering.so."""
import contextlib
import inspect
import io
import os
import pickle
import re
import subprocess
import sys
import tempfile
import threading
import unittest

import numbering
from numbering import NumberingError, Store

RANGE = "projects/p1/phoneNumberInstances/block"


class StoreTest(unittest.TestCase):
    def setUp(self):
        self.store = Store(default_region="AU")
        self.addCleanup(self.store.close)

    def test_create_get_resolve(self):
        desk = self.store.create("projects/p1", "02 5550 1000", "desk", display_name="Front desk",
                                 labels={"site": "sydney"},
                                 incoming_call_handler_uris=["sip:desk@pbx.example.com", "tel:+61299990000"])
        self.assertEqual(desk["name"], "projects/p1/phoneNumberInstances/desk")
        self.assertEqual(desk["phoneNumber"]["phoneNumber"], "+61255501000")
        self.assertEqual(desk["lifecycleState"], "ACTIVE")
        self.assertEqual(self.store.get(desk["name"]), desk)
        owner = self.store.resolve("+61 2 5550 1000")
        self.assertEqual(owner["name"], desk["name"])
        self.assertEqual(owner["incomingCallHandlerUris"], ["sip:desk@pbx.example.com", "tel:+61299990000"])

    def test_range_resolve_split(self):
        block = self.store.create("projects/p1", "+61255501100-99", "block")
        self.assertEqual(block["range"]["size"], 100)
        self.assertEqual(self.store.resolve("0255501150")["name"], RANGE)
        sized = self.store.create("projects/p1", "+61255502000", "sized", range_size=10)
        self.assertEqual(sized["range"]["endPhoneNumber"], "+61255502009")
        first, second = self.store.split(RANGE, 20)
        self.assertEqual(first["range"]["size"], 20)
        self.assertEqual(second["range"]["size"], 80)
        self.assertEqual(self.store.resolve("+61255501150")["name"], second["name"])
        self.assertEqual(self.store.resolve("+61255501110")["name"], RANGE)

    def test_lifecycle(self):
        created = self.store.create("projects/p1", "+61255501000", "port", lifecycle_state="PENDING")
        self.assertEqual(created["lifecycleState"], "PENDING")
        self.assertNotIn("activateTime", created)
        self.assertEqual(self.store.activate(created["name"])["lifecycleState"], "ACTIVE")
        self.assertEqual(self.store.suspend(created["name"])["lifecycleState"], "SUSPENDED")
        self.assertEqual(self.store.resolve("+61255501000")["lifecycleState"], "SUSPENDED")
        self.assertEqual(self.store.resume(created["name"])["lifecycleState"], "ACTIVE")
        deleted = self.store.delete(created["name"])
        self.assertEqual(deleted["lifecycleState"], "DELETED")
        self.assertIn("deleteTime", deleted)
        with self.assertRaises(NumberingError) as cm:
            self.store.resolve("+61255501000")
        self.assertEqual(cm.exception.code, numbering.NOT_FOUND)
        with self.assertRaises(NumberingError) as cm:
            self.store.suspend(created["name"])
        self.assertEqual(cm.exception.status, "FAILED_PRECONDITION")

    def test_update_and_move(self):
        self.store.create("projects/p1", "+61255501000", "desk", display_name="Desk")
        updated = self.store.update("projects/p1/phoneNumberInstances/desk", display_name="Reception",
                                    call_recording_trigger="ANSWER")
        self.assertEqual(updated["displayName"], "Reception")
        self.assertEqual(updated["callRecordingTrigger"], "ANSWER")
        masked = self.store.update("projects/p1/phoneNumberInstances/desk", "labels", display_name="ignored",
                                   labels={"team": "front"})
        self.assertEqual(masked["displayName"], "Reception")
        self.assertEqual(masked["labels"], {"team": "front"})
        moved = self.store.move("projects/p1/phoneNumberInstances/desk", "projects/p2",
                                "projects/p2/regulatoryListings/acme")
        self.assertEqual(moved["name"], "projects/p2/phoneNumberInstances/desk")
        self.assertEqual(moved["regulatoryListing"], "projects/p2/regulatoryListings/acme")
        self.assertEqual(self.store.resolve("+61255501000")["name"], moved["name"])

    def test_list_pages(self):
        for i in range(25):
            self.store.create("projects/p1", "+612555020%02d" % i, "n%d" % i)
        page = self.store.list("projects/p1")
        self.assertEqual(len(page), 10)
        self.assertEqual(page[0]["name"], "projects/p1/phoneNumberInstances/n24")  # newest first
        self.assertTrue(page.next_page_token)
        names = [i["name"] for i in self.store.iter("projects/p1", page_size=7)]
        self.assertEqual(names, ["projects/p1/phoneNumberInstances/n%d" % i for i in reversed(range(25))])
        self.assertEqual(len(self.store.list("projects/p1", prefix="+6125550201", page_size=100)), 10)
        self.assertEqual(len(self.store.list("projects/p1", prefix="025550202", page_size=100)), 5)
        with self.assertRaises(NumberingError) as cm:
            self.store.list("projects/p2", page_token=page.next_page_token)
        self.assertEqual(cm.exception.status, "INVALID_ARGUMENT")


class FileStoreTest(unittest.TestCase):
    def test_instances_survive_reopening(self):
        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, "numbers.db")
            with Store(path, default_region="AU") as store:
                store.create("projects/p1", "+61255501100-99", "block")
                store.suspend(RANGE)
                with Store(path) as second:  # many openers: each sees the others' commits
                    self.assertEqual(second.get(RANGE)["lifecycleState"], "SUSPENDED")
                    second.resume(RANGE)
                    self.assertEqual(store.get(RANGE)["lifecycleState"], "ACTIVE")
                store.suspend(RANGE)
            with Store(path, default_region="AU") as store:
                owner = store.resolve("02 5550 1150")
                self.assertEqual((owner["name"], owner["lifecycleState"]), (RANGE, "SUSPENDED"))
        with self.assertRaises(NumberingError) as cm:
            Store("/nonexistent-dir/numbers.db")
        self.assertIn("/nonexistent-dir/numbers.db", cm.exception.message)

    def test_read_only_beside_the_writer(self):
        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, "numbers.db")
            with self.assertRaises(NumberingError) as cm:
                Store(path, read_only=True)
            self.assertEqual(cm.exception.status, "NOT_FOUND")
            with Store(path, default_region="AU") as writer:
                writer.create("projects/p1", "+61255501100-99", "block")
                with Store(path, default_region="AU", read_only=True) as reader:
                    self.assertEqual(reader.resolve("02 5550 1150")["name"], RANGE)
                    writer.suspend(RANGE)  # the reader follows, without a reopen
                    self.assertEqual(reader.get(RANGE)["lifecycleState"], "SUSPENDED")
                    with self.assertRaises(NumberingError) as cm:
                        reader.create("projects/p1", "+61255501200", "desk")
                    self.assertEqual(cm.exception.status, "FAILED_PRECONDITION")
                    self.assertIn("read-only", cm.exception.message)
                self.assertEqual(writer.get(RANGE)["lifecycleState"], "SUSPENDED")

    def test_shared_index(self):
        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, "numbers.db")
            with Store(path, default_region="AU", shared_index=True) as writer:
                writer.create("projects/p1", "+61255501100-99", "block")
                self.assertTrue(os.path.getsize(path + ".idx") > 0)  # made by the writer
                with Store(path, default_region="AU", read_only=True, shared_index=True) as reader:
                    self.assertEqual(reader.resolve("02 5550 1150")["name"], RANGE)
                    writer.suspend(RANGE)  # through the index, the reader sees it at once
                    self.assertEqual(reader.get(RANGE)["lifecycleState"], "SUSPENDED")


class ErrorTest(unittest.TestCase):
    def setUp(self):
        self.store = Store(default_region="AU")
        self.addCleanup(self.store.close)

    def test_invalid_argument_has_field_violations(self):
        with self.assertRaises(NumberingError) as cm:
            self.store.create("projects/p1", "+61255501000", "desk", display_name="x" * 101)
        e = cm.exception
        self.assertEqual((e.code, e.status, e.http_status), (numbering.INVALID_ARGUMENT, "INVALID_ARGUMENT", 400))
        self.assertEqual(e.field_violations[0].field, "phone_number_instance.display_name")
        self.assertIn("100", e.field_violations[0].description)
        self.assertTrue(str(e).startswith("INVALID_ARGUMENT: "))

    def test_pickles(self):
        # An exception crosses processes pickled (multiprocessing, concurrent.futures).
        with self.assertRaises(NumberingError) as cm:
            self.store.create("projects/p1", "+61255501000", "desk", display_name="x" * 101)
        e = cm.exception
        for protocol in range(pickle.HIGHEST_PROTOCOL + 1):
            back = pickle.loads(pickle.dumps(e, protocol))
            self.assertIs(type(back), NumberingError)
            self.assertEqual((back.code, back.status, back.http_status, back.message, back.field_violations, str(back)),
                             (e.code, e.status, e.http_status, e.message, e.field_violations, str(e)))

    def test_already_exists_names_the_holder(self):
        self.store.create("projects/p1", "+61255501100-99", "block")
        with self.assertRaises(NumberingError) as cm:
            self.store.create("projects/p1", "+61255501150", "overlap")
        e = cm.exception
        self.assertEqual(e.code, numbering.ALREADY_EXISTS)
        self.assertEqual(e.http_status, 409)
        self.assertIn(RANGE, e.message)
        self.assertEqual(e.field_violations[0].field, "phone_number_instance.phone_number.phone_number")

    def test_max_instances(self):
        capped = Store(max_instances=1)
        self.addCleanup(capped.close)
        capped.create("projects/p1", "+61255501100", "one")
        with self.assertRaises(NumberingError) as cm:
            capped.create("projects/p1", "+61255501101", "two")
        self.assertEqual((cm.exception.code, cm.exception.http_status), (numbering.RESOURCE_EXHAUSTED, 429))
        self.assertIn("max_instances is 1", cm.exception.message)

    def test_not_found_unknown_method_malformed(self):
        with self.assertRaises(NumberingError) as cm:
            self.store.get("projects/p1/phoneNumberInstances/none")
        self.assertEqual(cm.exception.code, numbering.NOT_FOUND)
        self.assertEqual(cm.exception.field_violations[0].field, "name")
        with self.assertRaises(NumberingError) as cm:
            self.store.call("FrobnicatePhoneNumber", {})
        self.assertEqual(cm.exception.status, "UNIMPLEMENTED")
        with self.assertRaises(NumberingError) as cm:
            self.store.call("GetPhoneNumberInstance", {"name": "projects/p1/phoneNumberInstances/x", "nmae": 1})
        self.assertEqual(cm.exception.field_violations, [("nmae", 'unknown field "nmae" in the request')])

    def test_policy_and_authorizer(self):
        policy = {"bindings": [{"project": "projects/p1", "members": ["user:alice"],
                                "roles": ["roles/numbering.editor"]},
                               {"project": "*", "members": ["user:bob"], "roles": ["roles/numbering.viewer"]}]}
        with Store(caller="user:alice", policy=policy) as store:
            store.create("projects/p1", "+61255501000", "desk")
            self.assertEqual(store.call("GetPhoneNumberInstance", {"name": "projects/p1/phoneNumberInstances/desk"},
                                        caller="user:bob")["name"], "projects/p1/phoneNumberInstances/desk")
            with self.assertRaises(NumberingError) as cm:
                store.call("DeletePhoneNumberInstance", {"name": "projects/p1/phoneNumberInstances/desk"},
                           caller="user:bob")
            self.assertEqual((cm.exception.code, cm.exception.http_status), (numbering.PERMISSION_DENIED, 403))
        with self.assertRaises(NumberingError) as cm:
            Store(policy={"bindings": [{"project": "projects/p1", "roles": ["roles/nope"]}]})
        self.assertEqual(cm.exception.status, "INVALID_ARGUMENT")

        asked = []

        def authorizer(caller, permission, project):
            asked.append((caller, permission, project))
            return permission != "numbering.phoneNumberInstances.delete"

        events = []
        with Store(caller="user:carol", authorizer=authorizer, on_event=events.append) as store:
            store.create("projects/p9", "+61255501000", "desk")
            with self.assertRaises(NumberingError) as cm:
                store.delete("projects/p9/phoneNumberInstances/desk")
            self.assertEqual(cm.exception.code, numbering.PERMISSION_DENIED)
        self.assertIn(("user:carol", "numbering.phoneNumberInstances.create", "projects/p9"), asked)
        self.assertEqual(len(events), 1)
        self.assertEqual(events[0]["type"], "phoneNumberInstance.created")


class NulTest(unittest.TestCase):
    """C reads a const char * only up to its first NUL: every text crossing the binding
    with an embedded NUL is refused with ValueError naming the parameter (issue 17)."""

    POLICY = {"bindings": [{"project": "projects/p1", "members": ["user:ops"], "roles": ["roles/numbering.editor"]}]}
    NAME = "projects/p1/phoneNumberInstances/desk"

    # Valid arguments for every public function and method. The text ones are each given
    # a NUL in turn; the others are declared not text. A parameter added without an entry
    # here fails test_every_parameter_is_covered.
    CASES = {
        "parse": (numbering.parse, {"text": "02 5550 1100", "region": "AU"}, set()),
        "parse_range": (numbering.parse_range, {"text": "+61255501100-99", "region": "AU"}, set()),
        "Store": (Store, {"path": None, "default_region": "AU", "caller": "user:ops", "policy": None,
                          "authorizer": None, "on_event": None, "regulatory_requirements": "AU:*",
                          "max_instances": 0, "read_only": False, "shared_index": False,
                          "provisioning": "immediate", "clock": None},
                  {"authorizer", "on_event", "max_instances", "read_only", "shared_index", "clock"}),
        "call": ("call", {"method": "ListPhoneNumberInstances", "request": {"parent": "projects/p1"},
                          "caller": "user:ops", "params": {"prefix": "+61"}}, set()),
        "iterate": ("iterate", {"method": "ListPhoneNumberInstances", "request": {"parent": "projects/p1"},
                                "caller": "user:ops", "items": "phoneNumberInstances", "params": {"prefix": "+61"}},
                    set()),
        "create": ("create", {"parent": "projects/p1", "phone_number": "+61255502000", "instance_id": "other",
                              "request_id": "r1", "region_code": "AU", "range_size": None,
                              "range_end": "+61255502009", "fields": {"display_name": "Desk"}},
                   {"range_size"}),
        "get": ("get", {"name": NAME}, set()),
        "list": ("list", {"parent": "projects/p1", "page_size": 10, "page_token": None, "prefix": "+61",
                          "include_deleted": False, "region_code": "AU"}, {"page_size", "include_deleted"}),
        "iter": ("iter", {"parent": "projects/p1", "page_size": 10, "filters": {"prefix": "+61"}}, {"page_size"}),
        "resolve": ("resolve", {"phone_number": "+61255501000", "region_code": "AU"}, set()),
        "update": ("update", {"name": NAME, "update_mask": "display_name", "fields": {"display_name": "Desk"}},
                   set()),
        "delete": ("delete", {"name": NAME}, set()),
        "move": ("move", {"name": NAME, "destination_parent": "projects/p1",
                          "regulatory_listing": "projects/p1/regulatoryListings/hq"}, set()),
        "split": ("split", {"name": NAME, "size": 1}, {"size"}),
        "activate": ("activate", {"name": NAME}, set()),
        "suspend": ("suspend", {"name": NAME}, set()),
        "resume": ("resume", {"name": NAME}, set()),
        "claim_deliveries": ("claim_deliveries", {"max": 10, "caller": "user:ops"}, {"max"}),
        "dead_deliveries": ("dead_deliveries", {"max": 10, "caller": "user:ops"}, {"max"}),
        "report_claimed_delivery": ("report_claimed_delivery", {"id": "abc", "attempt": 1, "delivered": False,
                                                                "error": "HTTP 500", "caller": "user:ops"},
                                    {"attempt", "delivered"}),
        "version": (numbering.version, {}, set()),
        "unicode_version": (numbering.unicode_version, {}, set()),
        "close": ("close", {}, set()),  # last: the cases after it would find the store closed
    }
    # Exported types that hand no text to C: the error, its violations and the result types.
    NOT_CALLING_C = {"NumberingError", "FieldViolation", "PhoneNumber", "Range", "Page", "Instance", "method_name",
                     "python_name"}

    def setUp(self):
        self.store = Store(default_region="AU", caller="user:ops", policy=self.POLICY)
        self.addCleanup(self.store.close)
        self.store.create("projects/p1", "+61255501000", "desk", display_name="Desk")

    def invoke(self, case, args):
        fn, _, _ = self.CASES[case]
        args = dict(args)
        extra = args.pop("fields", None) or args.pop("filters", None) or args.pop("params", None) or {}
        if fn in ("iter", "iterate"):
            return next(getattr(self.store, fn)(**args, **extra), None)
        if isinstance(fn, str):
            fn = getattr(self.store, fn)
        result = fn(**args, **extra)
        if isinstance(result, Store):
            result.close()
        return result

    def assertRefused(self, case, args, param):
        with self.assertRaises(ValueError, msg="%s(%s=...)" % (case, param)) as cm:
            self.invoke(case, args)
        self.assertRegex(str(cm.exception), r"^(a key of )?%s\b.*embedded null (character|byte) at index \d+$"
                         % param)

    def public_callables(self):
        for name in numbering.__all__:
            if name not in self.NOT_CALLING_C:
                yield name, getattr(numbering, name)
        for name, member in inspect.getmembers(Store, inspect.isfunction):
            if not name.startswith("_"):
                yield name, member

    def test_every_parameter_is_covered(self):
        for name, fn in self.public_callables():
            self.assertIn(name, self.CASES, "a public callable without a NUL case")
            params = [p for p in inspect.signature(fn).parameters.values() if p.name != "self"]
            self.assertEqual({p.name for p in params}, set(self.CASES[name][1]), name)
        self.assertEqual(set(self.CASES), {name for name, _ in self.public_callables()})

    def test_the_cases_are_valid_without_nul(self):
        for case, (_, args, _) in self.CASES.items():
            try:
                self.invoke(case, args)
            except NumberingError:
                pass  # refused by the library for its own reasons, not for a NUL: fine

    def test_every_text_parameter_refuses_nul(self):
        for case, (_, args, not_text) in self.CASES.items():
            for param, value in args.items():
                if param in not_text:
                    continue
                if param in ("fields", "filters", "params"):  # **keywords: each one is named
                    for key, inner in value.items():
                        for bad in (inner + "\x00", "\x00" + inner, {"k": "v\x00"}, {"k\x00": "v"}, ["a", "\x00"]):
                            self.assertRefused(case, dict(args, **{param: {key: bad}}), key)
                    continue
                if isinstance(value, dict):  # the request: any string or key inside it
                    for bad in ({"name": self.NAME + "\x00"}, {"name\x00": self.NAME}, {"a": [{"b": "\x00"}]}):
                        self.assertRefused(case, dict(args, **{param: bad}), param)
                    continue
                base = value if value is not None else "x"
                for bad in ("\x00" + base, base[:3] + "\x00" + base[3:], base + "\x00"):
                    self.assertRefused(case, dict(args, **{param: bad}), param)
        self.assertRefused("Store", dict(self.CASES["Store"][1], path=b"n.db\x00x"), "path")

    def test_the_attacks_of_issue_17(self):
        # The caller is not cut to user:ops, at the store or at the call.
        with self.assertRaises(ValueError):
            Store(policy=self.POLICY, caller="user:ops\x00mallory")
        self.store.caller = "user:ops\x00mallory"
        with self.assertRaises(ValueError):
            self.store.create("projects/p1", "+61255501001", "mallory")
        with self.assertRaises(ValueError):
            self.store.call("CreatePhoneNumberInstance", {"parent": "projects/p1", "phoneNumberInstance": {
                "phoneNumber": {"phoneNumber": "+61255501002"}}}, caller="user:ops\x00mallory")
        self.store.caller = "user:ops"
        self.assertEqual([i["name"] for i in self.store.iter("projects/p1")], [self.NAME])
        # The method is not cut to GetPhoneNumberInstance.
        with self.assertRaises(ValueError) as cm:
            self.store.call("GetPhoneNumberInstance\x00Delete", {"name": self.NAME})
        self.assertIn("method", str(cm.exception))
        # The path is not cut to other.db.
        with tempfile.TemporaryDirectory() as tmp:
            with self.assertRaises(ValueError) as cm:
                Store(path=os.path.join(tmp, "other.db\x00.ignored"))
            self.assertIn("path", str(cm.exception))
            self.assertEqual(os.listdir(tmp), [])
        # A policy is not cut before the text after the NUL.
        with self.assertRaises(ValueError) as cm:
            Store(policy='{"bindings":[]}\x00{not json')
        self.assertIn("policy", str(cm.exception))
        with self.assertRaises(ValueError):
            Store(policy={"bindings": [{"project": "projects/p1", "members": ["user:ops\x00mallory"],
                                        "roles": ["roles/numbering.editor"]}]})


class UnencodableTest(unittest.TestCase):
    """What C cannot be handed as it is, besides a NUL: a lone surrogate (no UTF-8),
    an int outside int64 (ctypes keeps its low 64 bits; JSON is refused as too big, naming
    no field), NaN and infinities (not JSON). Each is refused with ValueError naming the
    parameter and the value, before the library is called."""

    NAME = "projects/p1/phoneNumberInstances/desk"

    def setUp(self):
        self.store = Store(default_region="AU")
        self.addCleanup(self.store.close)
        self.store.create("projects/p1", "+61255501000", "desk", display_name="Desk")

    def assertRefused(self, fn, pattern):
        with self.assertRaises(ValueError) as cm:
            fn()
        self.assertRegex(str(cm.exception), pattern)
        # Nothing reached the store.
        self.assertEqual([(i["name"], i.get("displayName")) for i in self.store.iter("projects/p1")],
                         [(self.NAME, "Desk")])

    def test_max_instances_outside_int64(self):
        for value in (2 ** 64 + 1, 2 ** 63, -(2 ** 63) - 1, 2 ** 70):
            self.assertRefused(lambda: Store(max_instances=value),
                               r"^max_instances: %d is outside the 64-bit integers" % value)
        self.assertRefused(lambda: Store(max_instances=2 ** 1000), r"^max_instances: an integer of 1001 bits is outside")
        with Store(max_instances=2 ** 63 - 1) as store:  # the largest is taken as it is
            store.create("projects/p1", "+61255501000", "desk")

    def test_request_int_outside_int64(self):
        self.assertRefused(lambda: self.store.call("ListPhoneNumberInstances",
                                                   {"parent": "projects/p1", "pageSize": 10 ** 30}),
                           r"^request\.pageSize: 1000000000000000000000000000000 is outside the 64-bit integers")
        self.assertRefused(lambda: self.store.list_phone_number_instances(parent="projects/p1", page_size=-(2 ** 64)),
                           r"^page_size: -18446744073709551616 is outside")
        self.assertRefused(lambda: self.store.split(self.NAME, 2 ** 64 + 1), r"^size: 18446744073709551617 is outside")

    def test_non_finite_float(self):
        for value in (float("nan"), float("inf"), float("-inf")):
            self.assertRefused(lambda: self.store.update(self.NAME, display_name=value),
                               r"^display_name: -?(nan|inf) is not a number JSON can carry$")

    def test_lone_surrogate(self):
        self.assertRefused(lambda: self.store.update(self.NAME, display_name="Desk \ud800"),
                           r"^display_name: surrogate character '\\ud800' at index 5 is not text")
        self.assertRefused(lambda: self.store.call("UpdatePhoneNumberInstance", {
            "name": self.NAME, "phoneNumberInstance": {"labels": {"k\udcff": "v"}}, "updateMask": "labels"}),
            r"^a key of request\.phoneNumberInstance\.labels: surrogate character '\\udcff' at index 1")
        self.assertRefused(lambda: self.store.get(self.NAME + "\udc80"), r"^name: surrogate character")
        self.assertRefused(lambda: self.store.call("GetPhoneNumberInstance", {"name": self.NAME}, caller="\ud800"),
                           r"^caller: surrogate character")
        self.assertRefused(lambda: Store(caller="user:\ud800"), r"^caller: surrogate character")
        self.assertRefused(lambda: self.store.call("GetPhoneNumber\ud800", {"name": self.NAME}),
                           r"^method: surrogate character")


class E164Test(unittest.TestCase):
    def test_parse(self):
        n = numbering.parse("02 5550 1100", "AU")
        self.assertEqual((n.e164, n.country_code, n.national), ("+61255501100", 61, "255501100"))
        self.assertEqual(n.regions[0], "AU")
        self.assertTrue(n.possible)
        short = numbering.parse("+1202555013")
        self.assertEqual(short.length_verdict, "TOO_SHORT")
        self.assertFalse(short.possible)
        self.assertEqual(numbering.parse("+12025550134").regions[0], "US")

    def test_parse_errors(self):
        for text, region in [("+1 800 FLOWERS", None), ("02 5550 1100", None), ("", "AU")]:
            with self.assertRaises(NumberingError) as cm:
                numbering.parse(text, region)
            self.assertEqual(cm.exception.code, numbering.INVALID_ARGUMENT, text)
            self.assertTrue(cm.exception.message)
        with self.assertRaises(TypeError):
            numbering.parse(12025550134)

    def test_range(self):
        r = numbering.parse_range("+61255501100-99")
        self.assertEqual(r, numbering.Range("+61255501100", "+61255501199", 100, "+61255501100-99"))
        with self.assertRaises(NumberingError):
            numbering.parse_range("+61255501150-10")

    def test_version(self):
        self.assertRegex(numbering.version(), r"^\d+\.\d+\.\d+$")
        self.assertRegex(numbering.unicode_version(), r"^\d+\.\d+")
        # The package's version is meson.build's, as the library's is: the same in one build.
        self.assertEqual(numbering.__version__, numbering.version())


class LoadTest(unittest.TestCase):
    def test_missing_library_is_a_clear_import_error(self):
        """NUMBERING_LIBRARY naming no library: ImportError naming the path and the variable."""
        package_dir = os.path.dirname(os.path.dirname(os.path.abspath(numbering.__file__)))
        env = dict(os.environ, NUMBERING_LIBRARY="/nonexistent/libnumbering.so.0", PYTHONPATH=package_dir)
        r = subprocess.run([sys.executable, "-c", "import numbering"], env=env, capture_output=True, text=True,
                           cwd=tempfile.gettempdir(), check=False)
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("ImportError: cannot load libnumbering (/nonexistent/libnumbering.so.0", r.stderr)
        self.assertIn("set NUMBERING_LIBRARY to the path of libnumbering.so", r.stderr)


def json_methods():
    """The method names of lib/json/call.c's tables, when the source tree is known
    (NUMBERING_SOURCE_ROOT: the meson tests set it), else None."""
    root = os.environ.get("NUMBERING_SOURCE_ROOT")
    if not root:
        return None
    with open(os.path.join(root, "lib", "json", "call.c"), encoding="utf-8") as f:
        return re.findall(r'^\s*\{"([A-Za-z_]+)", ', f.read(), re.M)


class JsonMethodTest(unittest.TestCase):
    """Every JSON method from Python: store.<snake_case>(**fields), call(method, **fields),
    and iter_<listing>() / iterate() following nextPageToken."""

    def setUp(self):
        self.store = Store(default_region="AU")
        self.addCleanup(self.store.close)

    def test_every_method_of_the_library_is_reachable(self):
        methods = json_methods()
        if methods is None:
            self.skipTest("NUMBERING_SOURCE_ROOT is not set")
        self.assertGreater(len(methods), 40)
        for method in methods:
            snake = numbering.python_name(method)
            self.assertRegex(snake, r"^[a-z][a-z0-9_]*$", method)
            self.assertEqual(numbering.method_name(snake), method)
            try:  # an empty request: refused or answered, but by the method, never "unknown method"
                getattr(self.store, snake)()
            except NumberingError as e:
                self.assertNotEqual(e.status, "UNIMPLEMENTED", "%s: %s" % (method, e))

    def test_names(self):
        for snake, method in [("get_phone_number_instance", "GetPhoneNumberInstance"), ("split_range", "SplitRange"),
                              ("number_service_rent_any_number", "NumberService_RentAnyNumber"),
                              ("del_rule", "DelRule")]:
            self.assertEqual(numbering.method_name(snake), method)
            self.assertEqual(numbering.python_name(method), snake)

    def test_keywords_and_python_types(self):
        desk = self.store.create_phone_number_instance(
            parent="projects/p1", phone_number_instance_id="desk",
            phone_number_instance={"phone_number": {"phone_number": "+61255501000"}, "labels": {"site": "syd"}})
        self.assertEqual(desk["name"], "projects/p1/phoneNumberInstances/desk")
        self.assertEqual(self.store.get_phone_number_instance(name=desk["name"]), self.store.get(desk["name"]))
        self.assertEqual(self.store.call("GetPhoneNumberInstance", name=desk["name"]), desk)
        self.assertEqual(self.store.call("GetPhoneNumberInstance", {"name": desk["name"]}), desk)
        self.assertEqual(self.store.resolve_phone_number(phone_number="02 5550 1000")["name"], desk["name"])
        block = self.store.create("projects/p1", "+61255501100-99", "block")
        halves = self.store.split_range(phone_number_instance=block["name"], size=30)
        self.assertEqual((halves["first"]["range"]["size"], halves["second"]["range"]["size"]), (30, 70))
        with self.assertRaises(TypeError) as cm:
            self.store.call("GetPhoneNumberInstance", {"name": desk["name"]}, name=desk["name"])
        self.assertIn("name is given twice", str(cm.exception))
        with self.assertRaises(NumberingError) as cm:
            self.store.get_phone_number_instance(name=desk["name"], page_size=True)
        self.assertEqual(cm.exception.field_violations[0].field, "page_size")
        with self.assertRaises(NumberingError) as cm:
            self.store.frobnicate_phone_numbers(name="x")
        self.assertEqual((cm.exception.status, cm.exception.message),
                         ("UNIMPLEMENTED", 'unknown method "FrobnicatePhoneNumbers"'))
        for bad in ("frobnicate", "_private", "Get_phone", "get__x"):
            with self.assertRaises(AttributeError):
                getattr(self.store, bad)
        self.assertFalse(hasattr(self.store, "__getstate_x__"))

    def test_listing_iterates_every_page(self):
        for i in range(25):
            self.store.create("projects/p1", "+612555020%02d" % i, "n%d" % i)
        self.store.create("projects/p2", "+61255503000", "other")
        expected = ["projects/p1/phoneNumberInstances/n%d" % i for i in reversed(range(25))]
        pages = []
        real_call = self.store.call

        def counting(method, request=None, caller=None, **params):
            pages.append(dict(request or {}, **params))
            return real_call(method, request, caller, **params)

        self.store.call = counting
        names = [i["name"] for i in self.store.iter_phone_number_instances(parent="projects/p1", page_size=7)]
        self.assertEqual(names, expected)
        self.assertEqual(len(pages), 4)  # 7 + 7 + 7 + 4, each asked with the token before it
        self.assertNotIn("pageToken", pages[0])
        self.assertTrue(all(p["pageToken"] for p in pages[1:]))
        iterator = self.store.iterate("ListPhoneNumberInstances", {"parent": "projects/p1"}, page_size=10,
                                      items="phoneNumberInstances")
        self.assertEqual(next(iterator)["name"], expected[0])
        self.assertEqual(len(pages), 5)  # lazy: one page asked for so far
        self.assertEqual(len(list(iterator)), 24)
        del self.store.call
        self.assertEqual([i["name"] for i in self.store.iter_list_phone_number_instances(parent="projects/p2")],
                         ["projects/p2/phoneNumberInstances/other"])
        self.assertEqual(list(self.store.iter_phone_number_instances(parent="projects/empty")), [])
        self.assertEqual(list(self.store.iterate("ListPhoneNumberInstances", parent="projects/p1", page_size=5,
                                                 items="nothingHere")), [])
        with self.assertRaises(NumberingError) as cm:
            next(self.store.iter_phone_number_instances(parent="projects/p1", page_size=-1))
        self.assertEqual(cm.exception.status, "INVALID_ARGUMENT")


class JsonServicesTest(unittest.TestCase):
    """The other services through keywords: each family's field spelling (the Sinch
    methods camelCase, the Voximplant ones snake_case), and each paging style."""

    def setUp(self):
        self.store = Store()
        self.addCleanup(self.store.close)

    def test_sinch_and_billing(self):
        self.assertEqual(self.store.import_available_numbers(
            availableNumbers=[{"phoneNumber": "+12085550200-99", "type": "LOCAL", "capability": ["SMS", "VOICE"]}],
            requestId="r1"), {"importedCount": 100})
        found = self.store.iter_number_service_available_numbers(projectId="acme", regionCode="US", type="LOCAL",
                                                                 size=3)
        self.assertEqual([n["phoneNumber"] for n in found], ["+12085550200", "+12085550201", "+12085550202"])
        for i in range(5):
            self.store.adjust_billing_account(parent="projects/acme", amount={"currencyCode": "USD", "amount": "10.00"},
                                              reason="top-up %d" % i)
        self.assertEqual([e["reason"] for e in self.store.iter_billing_entries(parent="projects/acme", page_size=2)],
                         ["top-up %d" % i for i in reversed(range(5))])
        with self.assertRaises(NumberingError) as cm:  # the Sinch methods read camelCase only
            self.store.number_service_list_available_numbers(project_id="acme")
        self.assertEqual(cm.exception.field_violations[0].field, "project_id")

    def test_voximplant_offset_paging(self):
        for name in ("alpha", "beta", "gamma", "delta", "epsilon"):
            self.assertEqual(self.store.add_application(account_id="acme", application_name=name)["result"], 1)
        calls = []
        real_call = self.store.call

        def counting(method, request=None, caller=None, **params):
            calls.append(dict(request or {}, **params))
            return real_call(method, request, caller, **params)

        self.store.call = counting
        names = [a["application_name"] for a in self.store.iter_get_applications(account_id="acme", count=2)]
        self.assertEqual(sorted(names), ["alpha", "beta", "delta", "epsilon", "gamma"])
        self.assertEqual([c.get("offset", 0) for c in calls], [0, 2, 4])
        calls.clear()
        self.assertEqual(len(list(self.store.iter_get_applications(account_id="acme", count=2, offset=3))), 2)
        self.assertEqual([c.get("offset") for c in calls], [3])


class DeliveryTest(unittest.TestCase):
    """The outbox's deliveries for a host that POSTs them: claim_deliveries(),
    report_claimed_delivery() (numbering_store_report_claimed_delivery(): a report names
    its claim by the attempts the claim gave) and dead_deliveries()."""

    LEASE = 300 * 10**9

    def tick(self):
        """The store's clock: 1 s later at each reading, as the C suites' fixture."""
        self.now += 10**9
        return self.now

    def setUp(self):
        self.now = 1767225600 * 10**9
        self.store = Store(clock=self.tick)
        self.addCleanup(self.store.close)
        self.store.import_available_numbers(
            availableNumbers=[{"phoneNumber": "+12085550200-09", "type": "LOCAL", "capability": ["SMS", "VOICE"]}])
        self.store.update_callback_configuration(projectId="acme", hmacSecret="s3cret")
        self.store.number_service_rent_number(projectId="acme", phoneNumber="+12085550200",
                                              smsConfiguration={"servicePlanId": "plan"},
                                              callbackUrl="https://hooks.example.com/cb")

    def test_claim_and_report(self):
        [d] = self.store.claim_deliveries(max=10)
        self.assertEqual((d["url"], d["projectId"], d["attempts"], d["lastError"]),
                         ("https://hooks.example.com/cb", "acme", 1, ""))
        self.assertEqual(len(d["signature"]), 40)
        self.assertIn('"eventId":"%s"' % d["id"], d["body"])
        self.assertEqual(self.store.claim_deliveries(), [])  # leased
        self.assertIsNone(self.store.report_claimed_delivery(d["id"], d["attempts"], False, "HTTP 500"))
        self.now += 31 * 10**9  # past its backoff
        [again] = self.store.claim_deliveries()
        self.assertEqual((again["id"], again["attempts"], again["lastError"]), (d["id"], 2, "HTTP 500"))
        self.store.report_claimed_delivery(again["id"], again["attempts"], True)
        with self.assertRaises(NumberingError) as cm:
            self.store.report_claimed_delivery(again["id"], again["attempts"], True)
        self.assertEqual(cm.exception.status, "NOT_FOUND")
        self.assertEqual(self.store.dead_deliveries(), [])

    def test_a_stale_claim_cannot_report(self):
        [first] = self.store.claim_deliveries()
        self.now += self.LEASE + 10**9  # its lease ran out: another deliverer claims it
        [second] = self.store.claim_deliveries()
        self.assertEqual((second["id"], second["attempts"]), (first["id"], 2))
        with self.assertRaises(NumberingError) as cm:
            self.store.report_claimed_delivery(first["id"], first["attempts"], False, "timeout")
        self.assertEqual(cm.exception.status, "FAILED_PRECONDITION")
        self.assertEqual(cm.exception.field_violations[0].field, "attempt")
        self.store.report_claimed_delivery(second["id"], second["attempts"], True)  # the newer claim's report counts
        self.assertEqual(self.store.claim_deliveries(), [])

    def test_bad_arguments_name_the_parameter(self):
        [d] = self.store.claim_deliveries()
        report = self.store.report_claimed_delivery
        for kind, args, param in (
                (TypeError, (1, 1, True), "id"),
                (TypeError, (None, 1, True), "id"),
                (TypeError, (d["id"], "1", True), "attempt"),
                (TypeError, (d["id"], True, True), "attempt"),
                (TypeError, (d["id"], 1.0, True), "attempt"),
                (ValueError, (d["id"], 2**64 + 1, True), "attempt"),
                (TypeError, (d["id"], 1, 1), "delivered"),
                (TypeError, (d["id"], 1, "false"), "delivered"),
                (TypeError, (d["id"], 1, None), "delivered"),
                (TypeError, (d["id"], 1, False, 500), "error"),
                (ValueError, (d["id"], 1, False, "HTTP\x00500"), "error")):
            with self.assertRaises(kind, msg="%s %r" % (param, args)) as cm:
                report(*args)
            self.assertTrue(str(cm.exception).startswith(param + ":"), str(cm.exception))
        for kind, value in ((TypeError, "10"), (TypeError, True), (TypeError, None), (ValueError, 0),
                            (ValueError, 1001), (ValueError, 2**64)):
            for method in (self.store.claim_deliveries, self.store.dead_deliveries):
                with self.assertRaises(kind, msg="max=%r" % (value,)) as cm:
                    method(max=value)
                self.assertTrue(str(cm.exception).startswith("max:"), str(cm.exception))
        # None of them reached the library: the claim is still the first, and reports.
        with self.assertRaises(NumberingError) as cm:
            report(d["id"], 0, True)  # the library's own range check
        self.assertEqual(cm.exception.field_violations[0].field, "attempt")
        report(d["id"], d["attempts"], True)


class ProvisioningTest(unittest.TestCase):
    """Scheduled provisioning driven from Python (Store(provisioning="manual")): a
    completion names its claim by the leaseExpireTime the claim gave
    (numbering_store_complete_claimed_provisioning_task() through
    CompleteProvisioningTask), and a stale claim's is refused."""

    tick = DeliveryTest.tick

    def setUp(self):
        self.now = 1767225600 * 10**9
        self.store = Store(provisioning="manual", clock=self.tick)
        self.addCleanup(self.store.close)
        self.store.import_available_numbers(
            availableNumbers=[{"phoneNumber": "+12085550200-09", "type": "LOCAL", "capability": ["SMS", "VOICE"]}])
        rented = self.store.number_service_rent_number(projectId="acme", phoneNumber="+12085550200",
                                                       smsConfiguration={"servicePlanId": "plan"})
        self.assertEqual(rented["smsConfiguration"]["scheduledProvisioning"]["status"], "WAITING")

    def test_a_stale_claim_cannot_complete(self):
        [first] = self.store.claim_provisioning_tasks(max=10)["tasks"]
        self.now += 301 * 10**9  # its lease ran out: another host claims it
        [second] = self.store.claim_provisioning_tasks(max=10)["tasks"]
        self.assertEqual(second["name"], first["name"])
        self.assertNotEqual(second["leaseExpireTime"], first["leaseExpireTime"])
        with self.assertRaises(NumberingError) as cm:
            self.store.complete_provisioning_task(name=first["name"], status="SUCCEEDED",
                                                  leaseExpireTime=first["leaseExpireTime"])
        self.assertEqual(cm.exception.status, "FAILED_PRECONDITION")
        self.assertEqual(cm.exception.field_violations[0].field, "leaseExpireTime")
        active = self.store.number_service_get_active_number(projectId="acme", phoneNumber="+12085550200")
        self.assertEqual(active["smsConfiguration"]["scheduledProvisioning"]["status"], "IN_PROGRESS")
        self.assertEqual(self.store.complete_provisioning_task(name=second["name"], status="SUCCEEDED",
                                                               leaseExpireTime=second["leaseExpireTime"]), {})
        active = self.store.number_service_get_active_number(projectId="acme", phoneNumber="+12085550200")
        self.assertEqual(active["smsConfiguration"]["servicePlanId"], "plan")

    def test_bad_arguments_name_the_parameter(self):
        [task] = self.store.claim_provisioning_tasks(max=10)["tasks"]
        for bad in ("2026-01-01", 5, ["x"]):
            with self.assertRaises(NumberingError) as cm:
                self.store.complete_provisioning_task(name=task["name"], status="SUCCEEDED", leaseExpireTime=bad)
            self.assertEqual(cm.exception.status, "INVALID_ARGUMENT")
            self.assertEqual(cm.exception.field_violations[0].field, "leaseExpireTime")
        with self.assertRaises(ValueError) as cm:
            self.store.complete_provisioning_task(name=task["name"], status="SUCCEEDED", leaseExpireTime=2**64)
        self.assertTrue(str(cm.exception).startswith("leaseExpireTime:"), str(cm.exception))
        with self.assertRaises(ValueError) as cm:
            Store(provisioning="auto")
        self.assertTrue(str(cm.exception).startswith("provisioning:"), str(cm.exception))
        with self.assertRaises(TypeError) as cm:
            Store(provisioning=1)
        self.assertTrue(str(cm.exception).startswith("provisioning:"), str(cm.exception))
        with self.assertRaises(TypeError) as cm:
            Store(clock=5)
        self.assertTrue(str(cm.exception).startswith("clock:"), str(cm.exception))


class TypeHintTest(unittest.TestCase):
    """py.typed promises hints on the public API: every parameter and return annotated, and
    the annotations resolve (typing.get_type_hints)."""

    def test_the_public_api_is_annotated(self):
        import typing
        functions = [(name, getattr(numbering, name)) for name in ("parse", "parse_range", "version",
                                                                    "unicode_version", "method_name", "python_name")]
        functions += [("Store." + name, member) for name, member in inspect.getmembers(Store, inspect.isfunction)
                      if not name.startswith("_") or name in ("__init__", "__getattr__", "__enter__", "__exit__")]
        functions += [("NumberingError." + name, getattr(NumberingError, name))
                      for name in ("__init__", "last", "from_body")]
        self.assertGreater(len(functions), 25)
        for name, fn in functions:
            hints = typing.get_type_hints(fn)
            params = [p for p in inspect.signature(fn).parameters.values() if p.name not in ("self", "cls")]
            self.assertEqual({p.name for p in params} - set(hints), set(), name)
            self.assertIn("return", hints, name)
        self.assertTrue(os.path.exists(os.path.join(os.path.dirname(numbering.__file__), "py.typed")))


class ReadmeTest(unittest.TestCase):
    def test_the_examples_of_the_readme_run(self):
        root = os.environ.get("NUMBERING_SOURCE_ROOT")
        if not root:
            self.skipTest("NUMBERING_SOURCE_ROOT is not set")
        with open(os.path.join(root, "bindings", "python", "README.md"), encoding="utf-8") as f:
            blocks = re.findall(r"^```python\n(.*?)^```", f.read(), re.M | re.S)
        self.assertGreaterEqual(len(blocks), 2)
        namespace = {}  # one page: a block sees the imports of the ones before it
        for block in blocks:
            with contextlib.redirect_stdout(io.StringIO()):
                exec(compile(block, "README.md", "exec"), namespace)  # noqa: S102 (our own page)


class LoadSonameTest(unittest.TestCase):
    def run_python(self, code, **env):
        package_dir = os.path.dirname(os.path.dirname(os.path.abspath(numbering.__file__)))
        environ = dict(os.environ, PYTHONPATH=package_dir, **env)
        environ.pop("NUMBERING_LIBRARY", None)
        return subprocess.run([sys.executable, "-c", code], env=environ, capture_output=True, text=True,
                              cwd=tempfile.gettempdir(), check=False)

    def test_the_installed_soname_is_found_without_numbering_library(self):
        built = os.environ.get("NUMBERING_LIBRARY")
        if not built or not os.path.exists(os.path.join(os.path.dirname(built), "libnumbering.so.0")):
            self.skipTest("no libnumbering.so.0 beside NUMBERING_LIBRARY")
        r = self.run_python("import numbering; print(numbering._lib.path, numbering.version())",
                            LD_LIBRARY_PATH=os.path.dirname(os.path.abspath(built)))
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(r.stdout.split(), ["libnumbering.so.0", numbering.version()])

    def test_no_library_anywhere_is_a_clear_import_error(self):
        r = self.run_python("import ctypes, ctypes.util\n"
                            "ctypes.util.find_library = lambda name: None\n"
                            "def refuse(name, *args, **kwargs):\n"
                            "    raise OSError(name + ': cannot open shared object file')\n"
                            "ctypes.CDLL = refuse\n"
                            "import numbering\n")
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("ImportError: cannot load libnumbering (libnumbering.so.0: cannot open shared object file; "
                      'ctypes.util.find_library("numbering") found nothing): install the shared library (Debian: '
                      "libnumbering0), or set NUMBERING_LIBRARY to the path of libnumbering.so", r.stderr)


class ThreadTest(unittest.TestCase):
    def test_shared_store(self):
        """One Store used by four Python threads; ctypes releases the GIL during calls."""
        store = Store(default_region="AU")
        self.addCleanup(store.close)
        errors = []

        def work(t):
            try:
                for i in range(50):
                    name = store.create("projects/t%d" % t, "+612600%d%04d" % (t, i), "n%d" % i)["name"]
                    self.assertEqual(store.resolve("+612600%d%04d" % (t, i))["name"], name)
                    try:
                        store.get("projects/t%d/phoneNumberInstances/missing%d" % (t, i))
                    except NumberingError as e:
                        self.assertIn("missing%d" % i, e.message)  # this thread's own error
            except Exception as e:  # reported by the main thread
                errors.append(e)

        threads = [threading.Thread(target=work, args=(t,)) for t in range(4)]
        for th in threads:
            th.start()
        for th in threads:
            th.join()
        self.assertEqual(errors, [])
        for t in range(4):
            self.assertEqual(len(list(store.iter("projects/t%d" % t, page_size=100))), 50)


if __name__ == "__main__":
    unittest.main()
