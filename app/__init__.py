"""SOC Workbench: gets a small company ready for its SOC 1 and SOC 2 audits."""

__version__ = "0.1.0"
APP_NAME = "SOC Workbench"
