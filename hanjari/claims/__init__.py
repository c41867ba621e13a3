"""Claims (신청): a person asks to be recognised as an organisation's owner ("우리
조직입니다", with evidence), or proposes an organisation that is on no official list;
staff review both in one queue, and a council can endorse a claim."""
