from loket.cli.main import main

raise SystemExit(main())
