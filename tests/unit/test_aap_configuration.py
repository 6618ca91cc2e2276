"""The AWX / Automation Controller configuration (extensions/aap_configuration) fits the collection.

Schema-level checks of the infra.aap_configuration variables: every object referenced by name
exists; job templates run playbooks this repository has; survey variables are variables the
collection documents, with a type its argument spec accepts; Region choices are Regions of the
'aws' partition; the company name cannot make a bucket name longer than S3 allows; inventory
sources point at plugin configurations whose options the plugins document.
"""

import glob
import os
import re

import botocore.session
import pytest
import yaml

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
CONFIG_DIR = os.path.join(ROOT, "extensions", "aap_configuration")
SURVEY_TYPES = {"text": "str", "textarea": "str", "password": "str", "integer": "int", "float": "float",
                "multiplechoice": "str", "multiselect": "list"}
# Variables the playbooks document in their header (playbooks/onboard.yml) besides the roles'.
PLAYBOOK_VARIABLES = {"radiant_role_hosts", "radiant_policy_backup_dir", "radiant_handoff_file"}
S3_BUCKET_NAME_MAX = 63


def _load(path):
    with open(path, encoding="utf-8") as handle:
        return yaml.safe_load(handle)


@pytest.fixture(scope="module")
def config():
    return _load(os.path.join(CONFIG_DIR, "controller.yml"))


def _resolve(config, value):
    # The configuration shares one survey through a variable reference ("{{ radiant_survey_spec }}").
    if isinstance(value, str):
        match = re.fullmatch(r"\{\{\s*(\w+)\s*\}\}", value)
        if match:
            return config[match.group(1)]
    return value


def _role_options():
    options = {}
    for spec_file in glob.glob(os.path.join(ROOT, "roles", "*", "meta", "argument_specs.yml")):
        for entry in _load(spec_file)["argument_specs"].values():
            options.update(entry.get("options", {}))
    return options


def _names(config, key):
    return {item["name"] for item in config.get(key, [])}


def test_references_between_objects_resolve(config):
    organizations = _names(config, "aap_organizations")
    projects = _names(config, "controller_projects")
    inventories = _names(config, "controller_inventories")
    credentials = _names(config, "controller_credentials")
    environments = _names(config, "controller_execution_environments")
    templates = _names(config, "controller_templates")
    workflows = _names(config, "controller_workflows")
    for key in ("controller_projects", "controller_inventories", "controller_credentials", "controller_templates",
                "controller_workflows"):
        for item in config[key]:
            assert item["organization"] in organizations, (key, item["name"])
    for project in config["controller_projects"]:
        assert project["default_environment"] in environments
    for source in config["controller_inventory_sources"]:
        assert source["inventory"] in inventories and source["source_project"] in projects, source["name"]
        assert source.get("credential", next(iter(credentials))) in credentials, source["name"]
    for template in config["controller_templates"]:
        assert template["project"] in projects and template["inventory"] in inventories, template["name"]
        assert template["execution_environment"] in environments, template["name"]
        assert set(template["credentials"]) <= credentials, template["name"]
    for workflow in config["controller_workflows"]:
        identifiers = {node["identifier"] for node in workflow["simplified_workflow_nodes"]}
        for node in workflow["simplified_workflow_nodes"]:
            assert node["unified_job_template"] in templates, node
            assert set(node.get("success_nodes", []) + node.get("failure_nodes", [])) <= identifiers, node
    for schedule in config["controller_schedules"]:
        assert schedule["unified_job_template"] in templates | workflows, schedule["name"]
        assert re.fullmatch(r"DTSTART:\d{8}T\d{6}Z RRULE:FREQ=\w+;INTERVAL=\d+", schedule["rrule"]), schedule["rrule"]


def test_job_templates_run_this_repository_s_playbooks(config):
    playbooks = {template["playbook"] for template in config["controller_templates"]}
    assert playbooks == {"onboard.yml", "verify.yml", "test_integration.yml", "offboard.yml"}
    for playbook in playbooks:
        imported = _load(os.path.join(ROOT, playbook))[0]["ansible.builtin.import_playbook"]
        assert os.path.isfile(os.path.join(ROOT, imported)), playbook


def test_onboard_then_verify_workflow_is_scheduled_daily(config):
    (workflow,) = [item for item in config["controller_workflows"] if item["name"] == "Radiant - onboard and verify"]
    playbook_of = {template["name"]: template["playbook"] for template in config["controller_templates"]}
    nodes = {node["identifier"]: node for node in workflow["simplified_workflow_nodes"]}
    assert playbook_of[nodes["onboard"]["unified_job_template"]] == "onboard.yml"
    assert nodes["onboard"]["success_nodes"] == ["verify"]
    assert playbook_of[nodes["verify"]["unified_job_template"]] == "verify.yml"
    (schedule,) = [item for item in config["controller_schedules"] if item["unified_job_template"] == workflow["name"]]
    assert "FREQ=DAILY" in schedule["rrule"]
    # A scheduled run has nobody to answer the survey: every required answer is in extra_data.
    survey = _resolve(config, workflow["survey_spec"])
    required = {question["variable"] for question in survey["spec"] if question["required"]}
    assert required <= set(schedule["extra_data"])


def test_jobs_are_neither_sliced_nor_limited(config):
    # Every phase needs hosts of other groups (docs/awx.md): a slice or a limit would lack them.
    for template in config["controller_templates"]:
        assert template["job_slice_count"] == 1 and template["ask_limit_on_launch"] is False, template["name"]


def test_survey_variables_are_documented_with_a_compatible_type(config):
    options = _role_options()
    surveys = [_resolve(config, item["survey_spec"]) for key in ("controller_templates", "controller_workflows")
               for item in config[key] if item.get("survey_enabled")]
    assert surveys
    for survey in surveys:
        for question in survey["spec"]:
            variable = question["variable"]
            assert variable in options or variable in PLAYBOOK_VARIABLES, variable
            if variable in options:
                assert options[variable]["type"] == SURVEY_TYPES[question["type"]], variable


def test_region_choices_are_regions_of_the_partition(config):
    known = set(botocore.session.get_session().get_available_regions("guardduty", partition_name="aws"))
    for survey in [_resolve(config, item["survey_spec"]) for item in config["controller_templates"]]:
        for question in survey["spec"]:
            if question["variable"] == "radiant_regions":
                assert set(question["choices"]) <= known, set(question["choices"]) - known


def test_company_name_cannot_make_a_bucket_name_too_long(config):
    suffixes = set()
    for path in glob.glob(os.path.join(ROOT, "roles", "*", "**", "*.yml"), recursive=True):
        with open(path, encoding="utf-8") as handle:
            text = handle.read()
        suffixes.update(re.findall(r"radiant_company_name\s*~\s*'([-a-z0-9.]+)'", text))
        suffixes.update(re.findall(r"\{\{\s*radiant_company_name\s*\}\}([-a-z0-9.]+)", text))
    assert suffixes, "no bucket name derived from radiant_company_name found"
    longest = max(len(suffix) for suffix in suffixes)
    survey = config["radiant_survey_spec"]
    (company,) = [question for question in survey["spec"] if question["variable"] == "radiant_company_name"]
    assert company["max"] + longest <= S3_BUCKET_NAME_MAX


def _plugin_options(plugin):
    name = plugin.rsplit(".", 1)[1]
    with open(os.path.join(ROOT, "plugins", "inventory", f"{name}.py"), encoding="utf-8") as handle:
        source = handle.read()
    documentation = re.search(r'DOCUMENTATION = r"""(.*?)"""', source, re.DOTALL).group(1)
    return set(yaml.safe_load(documentation)["options"])


def test_inventory_sources_are_valid_plugin_configurations(config):
    for source in config["controller_inventory_sources"]:
        path = os.path.join(ROOT, source["source_path"])
        plugin_config = _load(path)
        options = _plugin_options(plugin_config["plugin"])
        # Options from doc fragments (constructed, amazon.aws's) are not listed in the module's own text.
        own = {key for key in plugin_config if key in options}
        assert own == set(plugin_config), set(plugin_config) - options
        if "path" in plugin_config:
            assert os.path.isfile(os.path.join(os.path.dirname(path), plugin_config["path"]))


def _plugin_option_env(plugin):
    name = plugin.rsplit(".", 1)[1]
    with open(os.path.join(ROOT, "plugins", "inventory", f"{name}.py"), encoding="utf-8") as handle:
        source = handle.read()
    documentation = yaml.safe_load(re.search(r'DOCUMENTATION = r"""(.*?)"""', source, re.DOTALL).group(1))
    return {entry["name"] for option in documentation["options"].values() for entry in option.get("env", [])}


def test_credentials_use_known_types_whose_injectors_reach_the_collection(config):
    custom = {item["name"]: item for item in config.get("controller_credential_types", [])}
    boto3_env = {"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN"}
    plugin_env = _plugin_option_env("radiant.aws_onboarding.aws_organization")
    options = _role_options()
    for credential in config["controller_credentials"]:
        kind = credential["credential_type"]
        assert kind == "Amazon Web Services" or kind in custom, credential["name"]
        if kind in custom:
            fields = {field["id"] for field in custom[kind]["inputs"]["fields"]}
            assert set(credential["inputs"]) <= fields, credential["name"]
            assert set(custom[kind]["inputs"]["required"]) <= set(credential["inputs"]), credential["name"]
    for kind in custom.values():
        fields = {field["id"] for field in kind["inputs"]["fields"]}
        injectors = kind["injectors"]
        # Extra vars the roles document, environment variables boto3 or the inventory plugin read.
        assert set(injectors.get("extra_vars", {})) <= set(options), kind["name"]
        assert set(injectors.get("env", {})) <= boto3_env | plugin_env, kind["name"]
        for value in list(injectors.get("extra_vars", {}).values()) + list(injectors.get("env", {}).values()):
            # The escaped template renders, once, to AWX's own "{{ field }}" template of a declared field.
            rendered = value.replace("{{ '{{' }}", "{{").replace("{{ '}}' }}", "}}")
            field = re.fullmatch(r"\{\{ (\w+)( \| default\(''\))? \}\}", rendered)
            assert field and field.group(1) in fields, (kind["name"], value)
