"""autofix's GitHub I/O: clients, the repository facade, and publishing."""

from app.github.api import GitHubRepo
from app.github.branch import BranchMoved
from app.github.client import GitHubClients, api_version
from app.github.errors import GitHubError
from app.github.git import GitError
from app.github.models import (
    CheckRunInfo,
    CommentInfo,
    ConfigFile,
    IssueInfo,
    Permission,
    PullRequestInfo,
    PullRequestLink,
    RepoInfo,
    ReviewCommentInfo,
    ReviewThreadInfo,
    ThreadCommentInfo,
)
from app.github.patch_check import PatchRejected, validate_patch
from app.github.publish import PublishRequest, publish
from app.github.settings import GitHubSettings, GitHubSettingsError

__all__ = [
    "BranchMoved",
    "CheckRunInfo",
    "CommentInfo",
    "ConfigFile",
    "GitError",
    "GitHubClients",
    "GitHubError",
    "GitHubRepo",
    "GitHubSettings",
    "GitHubSettingsError",
    "IssueInfo",
    "PatchRejected",
    "Permission",
    "PublishRequest",
    "PullRequestInfo",
    "PullRequestLink",
    "RepoInfo",
    "ReviewCommentInfo",
    "ReviewThreadInfo",
    "ThreadCommentInfo",
    "api_version",
    "publish",
    "validate_patch",
]
