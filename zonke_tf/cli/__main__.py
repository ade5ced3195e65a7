from zonke_tf.cli import main

raise SystemExit(main())
