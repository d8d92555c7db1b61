package classifier

import "sort"

// Cue categories describe what a phrase does in an instruction, not which
// attack it belongs to. The lexicon lists stems (the first stemLen runes of a
// lower-cased word) for space-separated languages and substrings for Chinese,
// Japanese and Korean.
const (
	cueAddressee = iota // who is addressed: the AI, assistant, model, agent
	cueOverride         // task change: ignore, disregard, instead, new task
	cueConvRef          // the conversation: system prompt, previous instructions, user, tools
	cueSecrecy          // secrecy and urgency
	cueSend             // send data somewhere
	cueAction           // run tools, execute, delete
	cueSensitive        // secrets and private data
	cueMeta             // writing about attacks rather than making one
	numCues
)

var cueNames = [numCues]string{"addressee", "task-change", "conversation-reference", "secrecy/urgency", "send-data", "tool-action", "sensitive-data", "meta-discussion"}

const stemLen = 6

var wordCues = map[string]int{}
var cjkCues = map[string]int{}

type cjkEntry struct {
	word string
	cat  int
}

// cjkByRune indexes cjkCues by first rune, so matching is linear in the
// length of a CJK run.
var cjkByRune = map[rune][]cjkEntry{}

func init() {
	add := func(cat int, words ...string) {
		for _, w := range words {
			r := []rune(w)
			if len(r) > stemLen {
				r = r[:stemLen]
			}
			wordCues[string(r)] = cat
		}
	}
	addCJK := func(cat int, words ...string) {
		for _, w := range words {
			cjkCues[w] = cat
		}
	}
	add(cueAddressee, "ai", "assistant", "assistants", "chatbot", "llm", "gpt", "chatgpt", "claude", "copilot", "gemini", "agent", "agents", "model",
		"asistente", "modelo", "agente", "agentes", "modèle", "ia", "assistente", "ki", "assistent", "sprachmodell", "ии", "ассистент", "модель", "нейросеть", "бот", "агент", "robot")
	add(cueOverride, "ignore", "ignoring", "disregard", "forget", "override", "instead", "bypass", "supersede", "supersedes", "overrides", "cancel", "abandon",
		"ignora", "ignorar", "olvida", "olvidar", "ignorez", "oubliez", "oublie", "ignoriere", "ignorieren", "vergiss", "vergessen", "игнорируй", "игнорировать", "забудь", "проигнорируй", "вместо")
	add(cueConvRef, "instructions", "instruction", "prompt", "previous", "prior", "conversation", "guidelines", "rules", "directive", "directives", "system", "user", "user's",
		"instrucciones", "anteriores", "indicaciones", "consignes", "précédentes", "anweisungen", "vorherigen", "bisherigen", "systemprompt", "инструкции", "предыдущие", "указания", "промпт")
	add(cueSecrecy, "secretly", "silently", "quietly", "urgent", "urgently", "immediately", "mention", "reveal", "tell", "telling", "unnoticed",
		"urgente", "inmediatamente", "secreto", "digas", "immédiatement", "discrètement", "dites", "sofort", "heimlich", "nichts", "срочно", "немедленно", "тайно", "незаметно", "сообщай")
	add(cueSend, "send", "forward", "email", "upload", "post", "exfiltrate", "transmit", "attach", "webhook", "curl", "wget", "fetch", "http", "https", "append",
		"envía", "envia", "enviar", "reenvía", "envoie", "envoyez", "transfère", "sende", "senden", "schicke", "schicken", "отправь", "отправить", "перешли", "пришли")
	add(cueAction, "run", "execute", "delete", "rm", "shell", "command", "bash", "powershell", "install", "download", "write", "rename", "modify", "grant", "approve", "merge", "push", "transfer", "call", "invoke",
		"ejecuta", "ejecutar", "aprueba", "fusiona", "approuvez", "fusionnez", "genehmige", "одобри", "renombre", "renomme", "umbenennt", "borra", "elimina", "exécute", "exécutez", "supprime", "supprimez", "führe", "lösche", "löschen", "ausführen", "выполни", "запусти", "удали")
	add(cueSensitive, "password", "passwords", "credentials", "api", "apikey", "token", "tokens", "secret", "secrets", "ssh", "env", "private", "key", "keys", "cookie", "cookies", "session", "history", "contacts", "wallet", "id_rsa", "mcp",
		"contraseña", "contraseñas", "credenciales", "historial", "historique", "verlauf", "историю", "clave", "mot", "identifiants", "passwort", "zugangsdaten", "schlüssel", "пароль", "пароли", "ключ", "токен")
	add(cueMeta, "injection", "injections", "attack", "attacks", "attacker", "attackers", "malicious", "adversarial", "vulnerability", "payload", "payloads", "jailbreak", "researchers", "advisory", "vendor", "tricked", "exploit", "exploited", "fixed", "patched", "writeup", "bypassed", "describes", "ctf", "owasp", "vulnerable", "quoted", "payloads", "mitigation", "mitigations", "detect", "detection", "cve", "defense", "defenses", "threat",
		"inyección", "ataque", "ataques", "injection", "attaque", "angriff", "angriffe", "атака", "атаки", "инъекция", "уязвимость")
	addCJK(cueAddressee, "AI", "助手", "人工智能", "模型", "智能体", "アシスタント", "エージェント", "モデル", "人工知能", "어시스턴트", "인공지능", "모델", "에이전트", "챗봇", "비서")
	addCJK(cueOverride, "忽略", "无视", "忘记", "不要理会", "無視", "忘れ", "代わりに", "무시", "잊어", "대신", "취소")
	addCJK(cueConvRef, "指令", "指示", "提示词", "系统提示", "之前的", "以上", "对话", "工具", "システムプロンプト", "以前の", "プロンプト", "会話", "ツール", "지시", "프롬프트", "시스템", "이전", "대화", "도구")
	addCJK(cueSecrecy, "秘密", "不要告诉", "悄悄", "立即", "紧急", "必须", "内緒", "こっそり", "直ちに", "至急", "必ず", "몰래", "알리지", "즉시", "긴급", "반드시")
	addCJK(cueSend, "发送", "转发", "上传", "送信", "転送", "アップロード", "보내", "전송", "업로드", "전달")
	addCJK(cueAction, "执行", "运行", "删除", "実行", "削除", "実施", "실행", "삭제", "수행")
	addCJK(cueSensitive, "密码", "密钥", "令牌", "凭证", "パスワード", "鍵", "トークン", "비밀번호", "키", "토큰", "자격", "암호")
	addCJK(cueMeta, "注入", "攻击", "攻撃", "脆弱性", "인젝션", "공격", "취약점", "예시", "例如")
	for w, cat := range cjkCues {
		r := []rune(w)[0]
		cjkByRune[r] = append(cjkByRune[r], cjkEntry{w, cat})
	}
	for _, es := range cjkByRune {
		sort.Slice(es, func(i, j int) bool { return es[i].word < es[j].word })
	}
}
