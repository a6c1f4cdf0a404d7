"""The owner's hub as the service layer sees it: the counter's side (desk), every outlet read
back (outlets), the owner's dashboard, report files and reconciliation."""
