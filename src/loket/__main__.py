from loket.cli.main import run

run()
