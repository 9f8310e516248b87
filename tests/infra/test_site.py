"""The site in production: a private bucket behind CloudFront, /api/* to the API, security headers."""

from __future__ import annotations

import fnmatch
import json
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from infra.template import load_template

ROOT = Path(__file__).resolve().parents[2]
CACHING_OPTIMIZED = "658327ea-f89d-4fab-a63d-7e88639e58f6"
CACHING_DISABLED = "4135ea2d-6df8-44a3-9df3-4b5a84be39ad"
ALL_VIEWER_EXCEPT_HOST = "b689b0a8-53d0-40ab-baf2-68738e2966ac"
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
    "frame-ancestors 'none'; object-src 'none'; base-uri 'none'; form-action 'self'"
)


def resources():
    return load_template()["Resources"]


def distribution():
    return resources()["SiteDistribution"]["Properties"]["DistributionConfig"]


def test_the_bucket_is_private_encrypted_and_tls_only():
    bucket = resources()["SiteBucket"]["Properties"]
    assert bucket["PublicAccessBlockConfiguration"] == {
        "BlockPublicAcls": True,
        "BlockPublicPolicy": True,
        "IgnorePublicAcls": True,
        "RestrictPublicBuckets": True,
    }
    assert bucket["BucketEncryption"]["ServerSideEncryptionConfiguration"][0]["ServerSideEncryptionByDefault"][
        "SSEAlgorithm"
    ]
    assert bucket["OwnershipControls"] == {"Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]}
    statements = resources()["SiteBucketPolicy"]["Properties"]["PolicyDocument"]["Statement"]
    (deny,) = [s for s in statements if s["Effect"] == "Deny"]
    assert deny["Condition"] == {"Bool": {"aws:SecureTransport": "false"}} and deny["Action"] == "s3:*"
    distribution_arn = {
        "Fn::Sub": "arn:${AWS::Partition}:cloudfront::${AWS::AccountId}:distribution/${SiteDistribution}"
    }
    for allow in (s for s in statements if s["Effect"] == "Allow"):
        assert allow["Principal"] == {"Service": "cloudfront.amazonaws.com"}
        assert allow["Condition"] == {"StringEquals": {"AWS:SourceArn": distribution_arn}}
        assert allow["Action"] in ("s3:GetObject", "s3:ListBucket")


def test_cloudfront_reads_the_bucket_through_origin_access_control():
    origins = {origin["Id"]: origin for origin in distribution()["Origins"]}
    site = origins["site"]
    assert site["DomainName"] == {"Fn::GetAtt": ["SiteBucket", "RegionalDomainName"]}
    assert site["OriginAccessControlId"] == {"Fn::GetAtt": ["SiteOriginAccessControl", "Id"]}
    assert site["S3OriginConfig"] == {"OriginAccessIdentity": ""}
    control = resources()["SiteOriginAccessControl"]["Properties"]["OriginAccessControlConfig"]
    assert (control["OriginAccessControlOriginType"], control["SigningBehavior"]) == ("s3", "always")
    api = origins["api"]
    # The API's custom domain: its execute-api endpoint is disabled (test_template).
    assert api["DomainName"] == {"Ref": "ApiDomainName"}
    assert api["CustomOriginConfig"]["OriginProtocolPolicy"] == "https-only"
    # The secret from the stack's Secrets Manager secret (test_template checks where it comes from).
    assert api["OriginCustomHeaders"] == [
        {
            "HeaderName": "X-Origin-Verify",
            "HeaderValue": {"Fn::Sub": "{{resolve:secretsmanager:${OriginVerifySecret}}}"},
        }
    ]


def test_api_requests_go_uncached_to_the_api_with_what_it_needs():
    (api,) = [b for b in distribution()["CacheBehaviors"] if b["PathPattern"] == "/api/*"]
    assert distribution()["CacheBehaviors"][0] == api  # first: CloudFront takes the first pattern that matches
    assert api["TargetOriginId"] == "api"
    assert api["CachePolicyId"] == CACHING_DISABLED
    # Cookies, Origin, Sec-Fetch-Site, the body: every viewer header but Host.
    assert api["OriginRequestPolicyId"] == ALL_VIEWER_EXCEPT_HOST
    assert set(api["AllowedMethods"]) == {"GET", "HEAD", "OPTIONS", "PUT", "PATCH", "POST", "DELETE"}
    assert api["ViewerProtocolPolicy"] == "https-only"
    assert "FunctionAssociations" not in api
    default = distribution()["DefaultCacheBehavior"]
    assert (default["TargetOriginId"], default["CachePolicyId"]) == ("site", CACHING_OPTIMIZED)
    assert default["ViewerProtocolPolicy"] == "redirect-to-https"


def headers_of(policy_id: str) -> dict:
    return resources()[policy_id]["Properties"]["ResponseHeadersPolicyConfig"]["SecurityHeadersConfig"]


@pytest.mark.parametrize("policy_id", ["SiteHeadersPolicy", "TokenPageHeadersPolicy"])
def test_security_headers(policy_id: str):
    headers = headers_of(policy_id)
    assert headers["ContentSecurityPolicy"] == {"ContentSecurityPolicy": CSP, "Override": True}
    assert "unsafe-inline" not in CSP
    assert headers["StrictTransportSecurity"] == {
        "AccessControlMaxAgeSec": 2 * 365 * 86400,
        "IncludeSubdomains": True,
        "Preload": True,
        "Override": True,
    }
    assert headers["ContentTypeOptions"] == {"Override": True}
    assert headers["FrameOptions"] == {"FrameOption": "DENY", "Override": True}


def test_referrer_policy_site_wide_and_on_token_pages():
    # The API's answers carry their own no-referrer: the site policy must not override it.
    assert headers_of("SiteHeadersPolicy")["ReferrerPolicy"] == {
        "ReferrerPolicy": "strict-origin-when-cross-origin",
        "Override": False,
    }
    assert headers_of("TokenPageHeadersPolicy")["ReferrerPolicy"] == {"ReferrerPolicy": "no-referrer", "Override": True}
    behaviors = distribution()["CacheBehaviors"]
    token_pages = []
    for page in sorted((ROOT / "docs").rglob("*.md")):
        text = page.read_text(encoding="utf-8")
        if (
            text.startswith("---\n")
            and (yaml.safe_load(text.split("---\n", 2)[1]) or {}).get("referrer") == "no-referrer"
        ):
            relative = page.relative_to(ROOT / "docs").with_suffix("")
            url = (
                "/" + "/".join(relative.parent.parts) + "/" + ("" if relative.name == "index" else f"{relative.name}/")
            )
            token_pages.append(url.replace("//", "/"))
    assert len(token_pages) >= 3, token_pages
    for url in token_pages:
        matching = [b for b in behaviors if fnmatch.fnmatchcase(url + "index.html", b["PathPattern"])]
        assert matching, f"{url} reads a token: it needs a cache behaviour with TokenPageHeadersPolicy"
        assert matching[0]["ResponseHeadersPolicyId"] == {"Ref": "TokenPageHeadersPolicy"}, url
    every = [distribution()["DefaultCacheBehavior"], *behaviors]
    assert all(b["ResponseHeadersPolicyId"]["Ref"] in ("SiteHeadersPolicy", "TokenPageHeadersPolicy") for b in every)


def test_missing_pages_get_the_404_page_and_custom_domain_is_optional():
    config = distribution()
    assert config["CustomErrorResponses"] == [
        {"ErrorCode": 404, "ResponseCode": 404, "ResponsePagePath": "/404.html", "ErrorCachingMinTTL": 60}
    ]
    # MkDocs writes /404.html itself (mkdocs-material's 404 page).
    assert config["DefaultRootObject"] == "index.html"
    template = load_template()
    assert template["Parameters"]["DomainName"]["Default"] == ""
    assert template["Parameters"]["CertificateArn"]["Default"] == ""
    assert config["Aliases"] == {"Fn::If": ["HasCustomDomain", [{"Ref": "DomainName"}], {"Ref": "AWS::NoValue"}]}
    certificate, default = config["ViewerCertificate"]["Fn::If"][1:]
    assert (
        certificate["AcmCertificateArn"] == {"Ref": "CertificateArn"} and certificate["SslSupportMethod"] == "sni-only"
    )
    assert default == {"CloudFrontDefaultCertificate": True}


NODE = shutil.which("node")


def run_directory_index(uris: list[str]) -> list[dict]:
    code = resources()["DirectoryIndexFunction"]["Properties"]["FunctionCode"]
    script = (
        code
        + "\nconst uris = "
        + json.dumps(uris)
        + ";\n"
        + ("console.log(JSON.stringify(uris.map(u => handler({request: {uri: u, querystring: {}, headers: {}}}))));")
    )
    assert NODE, "node is needed to run the CloudFront Function (Debian's nodejs)"
    result = subprocess.run([NODE, "-e", script], capture_output=True, text=True, timeout=30, check=True)
    return json.loads(result.stdout)


def test_directory_urls_are_served_from_index_html():
    function = resources()["DirectoryIndexFunction"]["Properties"]
    assert function["FunctionConfig"]["Runtime"] == "cloudfront-js-2.0"
    associated = [
        b["FunctionAssociations"]
        for b in [distribution()["DefaultCacheBehavior"], *distribution()["CacheBehaviors"]]
        if b["TargetOriginId"] == "site"
    ]
    assert all(
        a
        == [
            {
                "EventType": "viewer-request",
                "FunctionARN": {"Fn::GetAtt": ["DirectoryIndexFunction", "FunctionMetadata.FunctionARN"]},
            }
        ]
        for a in associated
    )
    root, page, bare, asset, nested = run_directory_index(
        ["/", "/aide/premiere-connexion/", "/connexion", "/assets/js/forms.js", "/mot-de-passe-oublie/nouveau/"]
    )
    assert root["uri"] == "/index.html"
    assert page["uri"] == "/aide/premiere-connexion/index.html"
    assert nested["uri"] == "/mot-de-passe-oublie/nouveau/index.html"
    assert asset["uri"] == "/assets/js/forms.js"
    assert bare["statusCode"] == 301 and bare["headers"]["location"]["value"] == "/connexion/"
