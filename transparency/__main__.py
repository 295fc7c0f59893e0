from transparency.cli import main

raise SystemExit(main())
